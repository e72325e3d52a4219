// The `--model` argument of fill and score: a folder path as before, or a registered model id
// (m-…) or a pulled repository (owner/name[@revision]) found through the models service,
// offline. Absolute and ./relative paths are always folders, so their errors stay the loader's;
// names with a prefix such as builtin:byt5-tiny pass through to whoever knows them.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from './command';

export function resolveModelArgument(context: CommandContext, raw: string): string {
  if (existsSync(raw) || path.isAbsolute(raw) || raw.startsWith('.') || /^[a-z][\w-]*:/.test(raw)) return raw;
  return context.app().models.resolve(raw).path;
}
