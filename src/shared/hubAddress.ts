// A repository to pull as a person gives it: OWNER/NAME[@REV] (contract/models.ts
// splitModelReference), or a Hub address pasted from a browser: /OWNER/NAME (or a legacy
// /NAME), /OWNER/NAME/tree/REV, a file's /blob/REV/… or /resolve/REV/…. Its host is not checked
// (a mirror's address reads the same; HF_ENDPOINT still says where to pull from). A revision with
// a "/" is one part of the path (refs%2Fpr%2F1), as the Hub writes it. One reading for the
// services (engine/hub/catalog.ts parseRepoReference) and the Models screen (a pull's progress
// and Cancel name the repository, not the address).

import { splitModelReference } from './contract/models';

export type RepoReading =
  | { readonly is: 'repository'; readonly repoId: string; readonly revision: string | undefined }
  | { readonly is: 'not-a-model'; readonly message: string };

/** Hub pages of what is not a model, by the first part of their path. */
const NOT_MODEL_PAGES: Readonly<Record<string, string>> = { datasets: "a dataset's", spaces: "a Space's" };

/** Pages of a repository at a revision: /OWNER/NAME/<page>/REV[/path]. */
const REVISION_PAGES = new Set(['tree', 'blob', 'resolve', 'commit']);

/** `text` (trimmed) as the repository and revision it names; an address of another page says so. */
export function readRepoReference(text: string): RepoReading {
  const trimmed = text.trim();
  if (!/^https?:\/\//i.test(trimmed)) return { is: 'repository', ...splitModelReference(trimmed) };
  const parts = pathParts(trimmed);
  const shown = JSON.stringify(trimmed);
  const page = NOT_MODEL_PAGES[parts[0] ?? ''];
  if (page !== undefined)
    return {
      is: 'not-a-model',
      message: `${shown} is ${page} page on the Hub, not a model's; give a model repository (https://huggingface.co/OWNER/NAME, or OWNER/NAME)`,
    };
  if (parts.length === 1 || parts.length === 2)
    return { is: 'repository', repoId: parts.join('/'), revision: undefined };
  if (parts.length >= 4 && REVISION_PAGES.has(parts[2]))
    return { is: 'repository', repoId: `${parts[0]}/${parts[1]}`, revision: parts[3] };
  return {
    is: 'not-a-model',
    message:
      `${shown} is not the address of a model repository or one of its revisions; give ` +
      'https://huggingface.co/OWNER/NAME (with /tree/REV for a revision) or OWNER/NAME',
  };
}

/** The decoded parts of an address's path; none for one that cannot be read. */
function pathParts(address: string): string[] {
  try {
    return new URL(address).pathname
      .split('/')
      .filter((part) => part !== '')
      .map((part) => decodeURIComponent(part));
  } catch {
    return []; // not an address a browser would open: said as no repository's
  }
}
