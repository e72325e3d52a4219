// Whether a path lies inside a folder, compared by path.relative on the lexical paths: the one
// test behind the data directory's dataPath (store/files.ts), the UI's static files and the
// upload names of `spanfill serve`, and the folders an export refuses to replace. A prefix test
// on strings would take /data-old for inside /data; this does not. Links are not followed:
// callers that must see through them resolve both paths first (export does, with realpath).

import path from 'node:path';

/** Whether `inner` is `outer` itself or lies under it (relative paths are read from the working folder). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Whether `inner` lies under `outer`, not being `outer` itself. */
export function isStrictlyWithin(inner: string, outer: string): boolean {
  return isWithin(inner, outer) && path.relative(outer, inner) !== '';
}
