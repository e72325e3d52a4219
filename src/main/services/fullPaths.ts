// Paths that callers name (files to import, a model folder to register, an export destination)
// must be full paths. Over `spanfill serve` or in the app, a relative one would be taken from
// this process's working folder, which is not a folder the person chose: an export to "." once
// replaced the folder the server was started in. The CLI makes its arguments absolute first.

import { homedir } from 'node:os';
import path from 'node:path';
import { ApiError } from '../../shared/errors';

/** Throws invalid_input naming the first of `paths` that is not absolute, with an example of one that is. */
export function refuseRelativePaths(paths: readonly string[]): void {
  const relative = paths.find((given) => !path.isAbsolute(given));
  if (relative === undefined) return;
  const example = path.join(homedir(), path.basename(path.resolve(relative)));
  throw new ApiError(
    'invalid_input',
    `${relative} is not a full path: give where it is from the top of the disk, such as ${example}`,
  );
}
