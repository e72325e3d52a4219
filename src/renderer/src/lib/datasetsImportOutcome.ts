// What the Datasets screen says when an import or an upload is cancelled: a notice, not an error
// (the person asked for it), in the same words for both, naming what was being imported: the
// name given, the dropped or picked files, or the typed paths by their last part.

/** "big100.txt", "notes" (a folder) or "big100.txt and 2 more": typed paths by the last part of the first. */
export function describePaths(paths: readonly string[]): string {
  const last = (p: string): string =>
    p
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() || p;
  const more = paths.length <= 1 ? '' : ` and ${paths.length - 1} more`;
  return `${last(paths[0] ?? '')}${more}`;
}

/** "Upload of notes.txt cancelled; nothing was imported." or "Import of … cancelled; …". */
export function cancelledNotice(step: 'upload' | 'import', what: string): string {
  return `${step === 'upload' ? 'Upload' : 'Import'} of ${what} cancelled; nothing was imported.`;
}
