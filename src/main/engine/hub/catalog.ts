// Suggested base models and the check on a repository id a person types. Shapes come from
// each repository's config.json on the Hub (the same values as engine/t5/config.ts presets;
// mt5-small: vocab 250112, d_ff 1024, 8 layers, 6 heads); parameter counts are derived from
// them here, and download sizes are those counts at 4 bytes (the F32 weights these repos
// publish). Licences: the `license: apache-2.0` metadata of each model card on huggingface.co.

import type { CatalogModel } from '../../../shared/contract/models';
import { readRepoReference } from '../../../shared/hubAddress';
import { parseT5Config, t5Preset, type T5Config } from '../t5/config';
import { countParams, t5ParamShapes } from '../t5/params';

/** A suggestion as the contract shows it, less whether it has been pulled (the store knows that). */
export type CatalogEntry = Omit<CatalogModel, 'modelId'>;

const NO_FAST_TOKENIZER =
  'As published the repository may hold only spiece.model and PyTorch/TF weights (no tokenizer.json or ' +
  'model.safetensors); the pull then says which file is missing and how to make it.';

function entry(repoId: string, title: string, description: string, config: T5Config, caveat: string | null) {
  const parameters = countParams(t5ParamShapes(config));
  return { repoId, title, description, license: 'apache-2.0', parameters, approximateBytes: parameters * 4, caveat };
}

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  entry('google-t5/t5-small', 'T5 small', 'Original T5 (v1.0), relu FFN, tied embeddings', t5Preset('t5-small'), null),
  entry('google-t5/t5-base', 'T5 base', 'Original T5 (v1.0), 12 layers', t5Preset('t5-base'), null),
  entry('google/flan-t5-small', 'FLAN-T5 small', 'T5 v1.1 tuned on instructions', t5Preset('flan-t5-small'), null),
  entry(
    'google/flan-t5-base',
    'FLAN-T5 base',
    'T5 v1.1 tuned on instructions, 12 layers',
    t5Preset('flan-t5-base'),
    null,
  ),
  entry(
    'google/t5-v1_1-small',
    'T5 v1.1 small',
    'Pre-trained only (no supervised mix), gated-gelu',
    t5Preset('t5-v1_1-small'),
    NO_FAST_TOKENIZER,
  ),
  entry(
    'google/mt5-small',
    'mT5 small',
    'Multilingual T5 (101 languages), 250k vocabulary',
    parseT5Config({
      model_type: 'mt5',
      d_model: 512,
      d_ff: 1024,
      d_kv: 64,
      num_heads: 6,
      num_layers: 8,
      vocab_size: 250112,
      feed_forward_proj: 'gated-gelu',
      tie_word_embeddings: false,
    }),
    NO_FAST_TOKENIZER,
  ),
];

export class RepoIdError extends Error {
  override name = 'RepoIdError';
}

// The Hub's rule for names (huggingface_hub utils/_validators.py validate_repo_id): letters,
// digits, '-', '_', '.', at most 96 characters, no '--' or '..', starting and ending with a word character.
const NAME = /^\w(?:[\w.-]{0,94}\w)?$/;

/** "owner/name" (or a bare legacy name like "t5-small"); anything else is a RepoIdError saying why. */
export function validateRepoId(raw: string): string {
  const repoId = raw.trim();
  const parts = repoId.split('/');
  const problem =
    repoId === ''
      ? 'it is empty'
      : parts.length > 2
        ? 'it has more than one "/"'
        : parts.some((p) => !NAME.test(p))
          ? 'each part may hold only letters, digits, "-", "_" and "." (1-96 characters, starting and ending with a letter, digit or "_")'
          : parts.some((p) => p.includes('--') || p.includes('..'))
            ? '"--" and ".." are not allowed'
            : null;
  if (problem !== null)
    throw new RepoIdError(
      `Invalid Hugging Face repository id ${JSON.stringify(raw)}: ${problem}; expected owner/name, e.g. google/flan-t5-small`,
    );
  return repoId;
}

/** A revision: a branch, tag or commit; no spaces, control characters or "..". */
export function validateRevision(raw: string): string {
  const hasControl = [...raw].some((c) => c.charCodeAt(0) < 32);
  if (raw === '' || hasControl || /[\s\\]|\.\./.test(raw) || raw.startsWith('/') || raw.endsWith('/'))
    throw new RepoIdError(`Invalid revision ${JSON.stringify(raw)}; expected a branch, tag or commit, e.g. main`);
  return raw;
}

/**
 * A repository to pull as a person types it, "owner/name" or "owner/name@revision" (as --model
 * reads it) or a Hub address (shared/hubAddress.ts), with `revision` given apart (--revision);
 * the two disagreeing is a RepoIdError, and
 * each part is checked on its own, so a bad revision is said to be the revision.
 */
export function parseRepoReference(raw: string, revision?: string): { repoId: string; revision: string } {
  const parts = readRepoReference(raw);
  if (parts.is === 'not-a-model') throw new RepoIdError(parts.message);
  if (parts.revision !== undefined && revision !== undefined && parts.revision !== revision)
    throw new RepoIdError(
      `${JSON.stringify(raw)} names revision ${JSON.stringify(parts.revision)} and the revision given apart is ` +
        `${JSON.stringify(revision)}; give it once: after the id (OWNER/NAME@REV) or as the revision (the Revision box; --revision REV)`,
    );
  return { repoId: validateRepoId(parts.repoId), revision: validateRevision(parts.revision ?? revision ?? 'main') };
}

export const isCommitSha = (revision: string): boolean => /^[0-9a-f]{40}$/.test(revision);
