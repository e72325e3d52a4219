// The paths typed in Datasets → "Or import paths…", one a line, as the import is given them;
// and a hint for a line that is several paths. Pure (no api), so the unit tests read it.

/** A full path as typed on any platform: "/…", "~…", "C:\…" or "C:/…", "\\server\…". */
const fullPath = /^(?:[/~]|[A-Za-z]:[\\/]|\\\\)/;

/**
 * The paths of `text`, one a line, trimmed, blank lines left out, and one pair of surrounding
 * quotes (either kind) taken off: Windows' "Copy as path" puts "…" around a path, and a shell
 * user may type '…'; a path that truly starts and ends with a quote is rare enough to give up.
 */
export function typedPaths(text: string): string[] {
  return text
    .split('\n')
    .map((line) => unquote(line.trim()))
    .filter((line) => line.length > 0);
}

function unquote(line: string): string {
  const inner = line.slice(1, -1);
  // Not '"a" "b"', two quoted paths: its inside holds the quote too.
  const quoted = line.length >= 2 && (line[0] === '"' || line[0] === "'") && line.at(-1) === line[0];
  return quoted && !inner.includes(line[0]) ? inner.trim() : line;
}

/**
 * Where an import of `paths` failed with `error` because a line does not exist and that line
 * is two or more full paths separated by spaces ("/a.txt /b.txt", or quoted ones), the hint to
 * give one path per line; else undefined. A path with spaces inside its names ("/My Notes/a.txt")
 * gets none: only one of its pieces is a full path.
 */
export function onePathPerLineHint(paths: readonly string[], error: string): string | undefined {
  for (const line of paths) {
    if (!error.includes(`${line} does not exist`)) continue;
    const pieces = (line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
    if (pieces.length >= 2 && pieces.every((piece) => fullPath.test(piece))) {
      return `Give one path per line: "${line}" looks like ${pieces.length} paths on one line.`;
    }
  }
  return undefined;
}
