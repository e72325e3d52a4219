// `spanfill models import DIR`: the models service registers the folder once its loaders accept
// it, which decodes and checks every weight (a 757 MiB t5-base, 15–20 s on 2 busy cores; a
// larger model, minutes) and says nothing meanwhile: in text, a line on stderr says what it
// checks as the check begins (not for a folder registered already, answered at once, nor one
// refused by its name or place). The loader reports no progress to follow.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { optionalDisplayName } from '../../../shared/contract/displayName';
import type { ModelRegistered } from '../../../shared/contract/models';
import { formatBytes } from '../../../shared/format';
import type { ModelService } from '../../services/models';
import type { CommandContext } from '../command';

/** Bytes of the safetensors files directly in `dir` (one file or shards); 0 when none or it is no folder. */
function weightBytes(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.safetensors'));
  } catch {
    return 0;
  }
  return names.reduce((sum, name) => {
    try {
      const stat = statSync(path.join(dir, name));
      return stat.isFile() ? sum + stat.size : sum;
    } catch {
      return sum;
    }
  }, 0);
}

/**
 * Registers `folder` under `name`, saying on stderr (not with --json) what it checks as the
 * service begins the check: a folder registered already, a name or a place it refuses (a usage
 * error promises nothing was done) and a folder with no weights are answered with no such line.
 */
export async function importFolder(
  context: CommandContext,
  service: ModelService,
  folder: string,
  name: string | undefined,
): Promise<ModelRegistered> {
  // An empty or overlong name is refused first, in the service's words, before the folder is looked at.
  optionalDisplayName(name);
  return service.import({ path: path.resolve(folder), name }, (dir) => {
    const bytes = context.isJson ? 0 : weightBytes(dir);
    if (bytes > 0) context.status(`Checking ${dir} (${formatBytes(bytes)} of weights)…`, { force: true });
  });
}
