// What a file of a browser-mode upload may be called (upload.ts asks before anything is made):
// a '/'-separated relative path of plain names that every platform can hold, so a drop is
// taken or refused the same whichever machine serves it: no "..", "\", control or
// Windows-forbidden characters or empty parts, no part over 255 bytes of UTF-8, no Windows
// device names, no part ending in a dot or space. It does not look at the disk.

import { clipText } from '../../shared/format';
import { hasControlCharacter } from '../../shared/contract/displayName';
import { maxUploadNamePartBytes, utf8Length } from '../../shared/upload';

const maxNameLength = 1024;
const maxNameSegments = 32;
// Characters no file name of ours may hold on any platform (Windows forbids these too).
const forbiddenInName = /[<>:"|?*\\]/;
// NOTE: names Windows keeps for devices ("aux.txt" is AUX whatever follows the first dot), and
// parts ending in a dot or space, which Windows drops ("a." and "a" are one file there), are
// refused on every platform, as the characters above are, not only where process.platform is
// win32: `spanfill serve` runs on Windows too, and a drop should be taken or refused the same
// whichever machine serves it, with the tests (run on Linux) checking what Windows gets. The
// cost, renaming a rare "con.txt" sent to a Linux server, is small.
const windowsDeviceName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why `name` (a '/'-separated relative path) cannot name a file of an upload, or undefined when it can. */
export function uploadNameProblem(name: string): string | undefined {
  const segments = name.split('/');
  const quoted = JSON.stringify(clipText(name, 200));
  const isBad =
    name.length === 0 ||
    name.length > maxNameLength ||
    segments.length > maxNameSegments ||
    segments.some((s) => s === '' || s === '.' || s === '..' || forbiddenInName.test(s) || hasControlCharacter(s));
  if (isBad) {
    return `File name ${quoted} is not a relative path of plain names (no "..", "\\", control characters or empty parts)`;
  }
  // Checked here, not left to the file system, which answers ENAMETOOLONG with the server's path.
  const longest = Math.max(...segments.map(utf8Length));
  if (longest > maxUploadNamePartBytes) {
    return (
      `File name ${quoted} has a part of ${longest} bytes (UTF-8); the server's file system takes at most ${maxUploadNamePartBytes} per file or folder name. ` +
      'Rename it shorter, or, if it is on the machine running Spanfill, import it by its path there (Datasets → Or import paths…)'
    );
  }
  // "File name "x." ends…", or "File name "a./b.txt": "a." ends…" naming the part at fault.
  const named = (part: string): string =>
    segments.length === 1 ? `File name ${quoted}` : `File name ${quoted}: ${JSON.stringify(part)}`;
  const device = segments.find((s) => windowsDeviceName.test(s));
  if (device !== undefined) {
    return `${named(device)} is a device name on Windows (CON, PRN, AUX, NUL, COM1…, LPT1…); rename it`;
  }
  const dropped = segments.find((s) => /[. ]$/.test(s));
  if (dropped !== undefined) {
    return `${named(dropped)} ends in a dot or a space, which Windows drops from a name; rename it`;
  }
  return undefined;
}
