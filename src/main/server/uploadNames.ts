// What a file of a browser-mode upload may be called (upload.ts asks before anything is made):
// a '/'-separated relative path of names the server's file system holds, as `spanfill import`
// reads them there: no empty, "." or ".." parts, no control characters, no part over 255 bytes
// of UTF-8; and, where the server runs on Windows, none of what Windows refuses (the characters
// <>:"|?* and "\", device names, parts ending in a dot or space). It does not look at the disk.
// NOTE: these Windows rules once held on every platform, so that a drop was taken or refused the
// same whichever machine served it; that refused "Notes 10:30.txt" on a Linux server that holds
// it, which `spanfill import` imports from the same disk. A name is refused only where it cannot
// be held. "\" is no separator on Linux or macOS (path.join keeps "a\..\b" one name), and
// upload.ts checks that every file lands inside its upload folder whatever the rules say.

import { clipText } from '../../shared/format';
import { maxUploadNamePartBytes, utf8Length } from '../../shared/upload';

const maxNameLength = 1024;
const maxNameSegments = 32;
// Characters Windows forbids in a file name ("\" is its separator).
const windowsForbidden = /[<>:"|?*\\]/g;
// Names Windows keeps for devices ("aux.txt" is AUX whatever follows the first dot).
const windowsDeviceName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0 and DEL: what displayName.ts's hasControlCharacter refuses, named here one by one.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f]/g;
const byPath =
  'import it by its path on the machine running Spanfill (Datasets → Or import paths…, or spanfill import)';
const onWindows = 'Windows, where this server runs,';

/**
 * Why `name` (a '/'-separated relative path) cannot name a file of an upload on a server running
 * on `platform`, or undefined when it can. Messages show the name as typed (control characters
 * as "\uFFFD"), not JSON-escaped, and say what to do.
 */
export function uploadNameProblem(name: string, platform: NodeJS.Platform = process.platform): string | undefined {
  const segments = name.split('/');
  const quoted = `"${clipText(name, 200).replace(controlCharacter, '\uFFFD')}"`;
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return `File name ${quoted} is not a relative path: it has an empty, "." or ".." part`;
  }
  if (name.length > maxNameLength || segments.length > maxNameSegments) {
    return (
      `File name ${quoted} is more than ${maxNameSegments} folders deep or over ${maxNameLength} characters; ` +
      `move it up or rename it shorter, or ${byPath}`
    );
  }
  const controls = distinct(name.match(controlCharacter));
  if (controls.length > 0) {
    const codes = controls.map((c) => `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`);
    return (
      `File name ${quoted} holds ${controls.length === 1 ? 'a control character' : 'control characters'} (${codes.join(', ')}), ` +
      `which a file name sent from the page may not hold; rename the file, or ${byPath}`
    );
  }
  // Checked here, not left to the file system, which answers ENAMETOOLONG with the server's path.
  const longest = Math.max(...segments.map(utf8Length));
  if (longest > maxUploadNamePartBytes) {
    return (
      `File name ${quoted} has a part of ${longest} bytes (UTF-8); the server's file system takes at most ${maxUploadNamePartBytes} per file or folder name. ` +
      'Rename it shorter, or, if it is on the machine running Spanfill, import it by its path there (Datasets → Or import paths…)'
    );
  }
  return platform === 'win32' ? windowsProblem(segments, quoted) : undefined;
}

/** What Windows refuses of a name it otherwise could hold (the file is on another machine, so renaming is the way). */
function windowsProblem(segments: readonly string[], quoted: string): string | undefined {
  const forbidden = distinct(segments.join('/').match(windowsForbidden));
  if (forbidden.length > 0) {
    return `File name ${quoted} holds ${forbidden.join(' ')}, which ${onWindows} does not allow in a file name; rename the file`;
  }
  // "File name "x." ends…", or "File name "a./b.txt": "a." ends…" naming the part at fault.
  const named = (part: string): string =>
    segments.length === 1 ? `File name ${quoted}` : `File name ${quoted}: "${part}"`;
  const device = segments.find((s) => windowsDeviceName.test(s));
  if (device !== undefined) {
    return `${named(device)} is a device name on ${onWindows.slice(0, -1)} (CON, PRN, AUX, NUL, COM1…, LPT1…); rename the file`;
  }
  const dropped = segments.find((s) => /[. ]$/.test(s));
  if (dropped !== undefined) {
    return `${named(dropped)} ends in a dot or a space, which ${onWindows} drops from a name; rename the file`;
  }
  return undefined;
}

function distinct(found: readonly string[] | null): string[] {
  return [...new Set(found ?? [])];
}
