// `spanfill mask --text-file FILE` (or `-` for standard input), in-process: a text too long for
// an argument, decoded as import decodes a text file (UTF-16 and Windows-1252 as well as
// UTF-8), one final line break dropped, the same preview as --text gives; refusals in words.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { maskInput } from '../../../../src/main/cli/commands/mask';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-cli-mask-');
const stdin = maskInput.stdin;
afterEach(() => {
  maskInput.stdin = stdin;
});

interface Preview {
  inputText: string;
  counts: { textTokens: number; maskedTokens: number };
  segments: { text: string }[];
  messages: string[];
}

/** `spanfill mask … --json` with the byte tokenizer in a fresh data directory: exit code and preview. */
async function mask(dir: string, ...flags: string[]): Promise<{ code: number; stderr: string; preview?: Preview }> {
  const out = await cli(['mask', '--model', 'bytes', '--json', ...flags, '--data-dir', path.join(dir, 'data')]);
  return {
    code: out.code,
    stderr: out.stderr,
    preview: out.code === 0 ? (JSON.parse(out.stdout) as Preview) : undefined,
  };
}

/** `spanfill mask …` refused: its exit code and what it said. */
async function refused(dir: string, ...flags: string[]): Promise<[number, string]> {
  const out = await cli(['mask', '--model', 'bytes', ...flags, '--data-dir', path.join(dir, 'data')]);
  return [out.code, out.stderr];
}

/** The text a preview masked, without the EOS masked after it. */
const text = (p: Preview | undefined): string =>
  (p?.segments ?? [])
    .map((s) => s.text)
    .join('')
    .replace(/<\/s>$/, '');

describe('spanfill mask --text-file', () => {
  it('reads a text longer than an argument can be and previews it as --text would', async () => {
    const dir = tempDir();
    // 200,000 bytes: over Linux's 128 KiB for one argument ("Argument list too long").
    const long = 'The cute dog walks in the green park. '.repeat(5300).slice(0, 200_000);
    fs.writeFileSync(path.join(dir, 'long.txt'), `${long}\n`);
    const fromFile = await mask(dir, '--text-file', path.join(dir, 'long.txt'));
    expect(fromFile.code, fromFile.stderr).toBe(exitCodes.ok);
    expect(fromFile.preview?.counts.textTokens).toBeGreaterThanOrEqual(200_000); // one token a byte
    const short = 'A dog in a park';
    fs.writeFileSync(path.join(dir, 'short.txt'), `${short}\n`);
    const typed = await mask(dir, '--text', short);
    expect((await mask(dir, '--text-file', path.join(dir, 'short.txt'))).preview).toEqual(typed.preview);
  });

  it('decodes as import decodes text files: UTF-8 with a byte-order mark, UTF-16, Windows-1252', async () => {
    const dir = tempDir();
    const written = {
      'bom.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Café au lait', 'utf8')]),
      'utf16.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Café au lait', 'utf16le')]),
      'latin.txt': Buffer.from('Caf\xe9 au lait', 'latin1'), // é as E9: not UTF-8, read as Windows-1252
    };
    for (const [name, bytes] of Object.entries(written)) {
      fs.writeFileSync(path.join(dir, name), bytes);
      const read = await mask(dir, '--text-file', path.join(dir, name));
      expect(read.code, `${name}: ${read.stderr}`).toBe(exitCodes.ok);
      expect(text(read.preview), name).toBe('Café au lait');
    }
  });

  it('notes how the file was read where import would: a half UTF-16 character, bytes replaced, Windows-1252', async () => {
    const dir = tempDir();
    const notes = {
      // "Hi" in UTF-16 and one byte more: the half character is left out, as import leaves it.
      'cut.txt': [
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hi there', 'utf16le'), Buffer.from([0x41])]),
        'Hi there',
        (file: string) =>
          `Text file ${file} ends with a single byte, half a UTF-16 character (the file may have been cut short); it was left out`,
      ],
      'stray.txt': [
        Buffer.concat([Buffer.from('Café '), Buffer.from([0xff]), Buffer.from(' crème')]),
        'Café \ufffd crème',
        (file: string) => `Text file ${file}: 1 invalid UTF-8 byte sequence replaced with U+FFFD`,
      ],
      'latin.txt': [
        Buffer.from('Caf\xe9 au lait', 'latin1'),
        'Café au lait',
        (file: string) =>
          `Text file ${file} is not UTF-8: read as Windows-1252 (Western European); if its accents or quotes look wrong, save it as UTF-8 and read it again`,
      ],
    } as const;
    for (const [name, [bytes, read, note]] of Object.entries(notes)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const json = await mask(dir, '--text-file', file);
      expect(json.code, `${name}: ${json.stderr}`).toBe(exitCodes.ok);
      expect(text(json.preview), name).toBe(read);
      expect(json.preview?.messages, name).toContain(note(file));
      const shown = await cli(['mask', '--model', 'bytes', '--text-file', file, '--data-dir', path.join(dir, 'data')]);
      expect(shown.stdout, name).toContain(`  note: ${note(file)}\n`);
    }
    const typed = await mask(dir, '--text', 'Hi there'); // typed text is read as it is: no note
    expect(typed.preview?.messages.filter((m) => m.includes('Text file'))).toEqual([]);
  });

  it('reads standard input for -, dropping one final line break', async () => {
    const dir = tempDir();
    maskInput.stdin = Readable.from([Buffer.from('Piped in\r\nto mask\n')]);
    const piped = await mask(dir, '--text-file', '-');
    expect(piped.code, piped.stderr).toBe(exitCodes.ok);
    expect(text(piped.preview)).toBe('Piped in\nto mask'); // line ends as import makes them
  });

  it('refuses a missing file, a folder, binary bytes, and more than one text source, in words', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'none.txt');
    expect(await refused(dir, '--text-file', missing)).toEqual([
      exitCodes.failure,
      `spanfill mask: Text file ${missing} does not exist\n`,
    ]);
    expect(await refused(dir, '--text-file', dir)).toEqual([
      exitCodes.failure,
      `spanfill mask: Text file ${dir} is not a regular file; use - to read standard input\n`,
    ]);
    const huge = path.join(dir, 'huge.txt');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 3_000_001); // sparse: nothing is written; over 3 bytes a character of the contract's bound
    expect(await refused(dir, '--text-file', huge)).toEqual([
      exitCodes.failure,
      `spanfill mask: Text file ${huge} holds more than 3,000,000 bytes; a text to mask can be at most 1,000,000 ` +
        'characters (and one example masks only its first tokens)\n',
    ]);
    const binary = path.join(dir, 'image.png');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    expect(await refused(dir, '--text-file', binary)).toEqual([
      exitCodes.failure,
      `spanfill mask: Text file ${binary} looks like a binary file, not text (NUL byte at byte offset 4); ` +
        'save or export it as plain text (.txt) and read that\n',
    ]);
    expect(await refused(dir, '--text', 'a dog', '--text-file', binary)).toEqual([
      exitCodes.usage,
      expect.stringContaining('mask needs exactly one of --dataset ID, --text T or --text-file FILE'),
    ]);
    const help = (await cli(['mask', '--help'])).stdout;
    expect(help).toMatch(/--text-file FILE +Preview the text of FILE \(- for standard input\)\n/);
    expect(help).toContain('use --text-file FILE, or --text-file - to read standard input');
  });

  it('refuses too much invalid UTF-8 and a byte-order mark alone, saying to read the file again', async () => {
    const dir = tempDir();
    const damaged = path.join(dir, 'damaged.txt');
    fs.writeFileSync(damaged, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(16, 0xff)]));
    expect(await refused(dir, '--text-file', damaged)).toEqual([
      exitCodes.failure,
      `spanfill mask: Text file ${damaged} is not valid UTF-8: more than 8 invalid byte sequences, the first at ` +
        'byte offset 3. Save it as UTF-8 (or UTF-16 with a byte-order mark) and read it again.\n',
    ]);
    maskInput.stdin = Readable.from([Buffer.from([0xff, 0xfe])]);
    expect(await refused(dir, '--text-file', '-')).toEqual([
      exitCodes.failure,
      'spanfill mask: Standard input is empty (only a byte-order mark)\n',
    ]);
  });
});

describe('spanfill mask --density and --span', () => {
  it('refuse what Number() reads but nobody writes as a number (it read "" as 0, 0x1 as 1)', async () => {
    const dir = tempDir();
    for (const [flag, raw, range] of [
      ['--density', '', '0.001 to 0.999'],
      ['--density', ' 0.5', '0.001 to 0.999'],
      ['--span', '0x3', '1 to'],
      ['--span', 'Infinity', '1 to'],
    ] as const) {
      const [code, stderr] = await refused(dir, '--text', 'hello world', flag, raw);
      expect(code, `${flag} ${raw}`).toBe(exitCodes.usage);
      expect(stderr).toContain(`${flag} must be a number from ${range}`);
      expect(stderr).toContain(`got '${raw}'`);
    }
    expect((await mask(dir, '--text', 'hello world', '--density', '.5', '--span', '2e0')).code).toBe(0);
  });
});

describe('spanfill mask (text output)', () => {
  it('says the lengths as the Masking screen does: the raw length is the text a full example takes', async () => {
    const dir = tempDir();
    const out = await cli(['mask', '--model', 'bytes', '--text', 'hello world', '--data-dir', path.join(dir, 'data')]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^Lengths +input 128 and target 29, from 141 tokens of text in a full example$/m);
  });
});
