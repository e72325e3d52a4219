// Reading `spanfill fill`'s prompt from a file or standard input: one final line break
// dropped, UTF-8 required, the size bounded by the contract's prompt limit before anything
// large is read, only regular files opened, and a Ctrl-C while waiting on standard input
// answered as cancelled.

import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { maxPromptBytes, readPromptFile, readPromptStream } from '../../../../src/main/cli/commands/fill-prompt';
import { maxPromptChars } from '../../../../src/shared/contract/playground';

const dir = mkdtempSync(join(tmpdir(), 'spanfill-prompt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const live = (): AbortSignal => new AbortController().signal;

function streamOf(...chunks: (string | Buffer)[]): PassThrough {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

describe('readPromptStream (standard input)', () => {
  it('joins the chunks, keeps inner line breaks and drops one final one', async () => {
    expect(await readPromptStream(streamOf('The <extra_', 'id_0>\nwalks\n'), live())).toBe('The <extra_id_0>\nwalks');
    expect(await readPromptStream(streamOf('a\r\n\r\n'), live())).toBe('a\r\n');
    // A multi-byte character split across chunks decodes whole.
    const dog = Buffer.from('🐕', 'utf8');
    expect(await readPromptStream(streamOf(dog.subarray(0, 2), dog.subarray(2)), live())).toBe('🐕');
  });

  it('refuses bytes that are not UTF-8 and more than the prompt limit can hold', async () => {
    await expect(readPromptStream(streamOf(Buffer.from([0x61, 0xff])), live())).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Standard input is not UTF-8 text; save the prompt as UTF-8',
    });
    expect(maxPromptBytes).toBe(3 * maxPromptChars);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const big = streamOf(chunk, chunk, chunk, Buffer.from('a'));
    await expect(readPromptStream(big, live())).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('Standard input holds more than 3,000,000 bytes'),
    });
  });

  it('refuses a folder given as standard input (`fill - < FOLDER`) instead of reading it as empty', async () => {
    mkdirSync(join(dir, 'stdin-folder'));
    const fd = openSync(join(dir, 'stdin-folder'), 'r');
    try {
      // process.stdin over a folder is an empty Readable whose fd is 0.
      await expect(readPromptStream(Object.assign(streamOf(), { fd }), live())).rejects.toMatchObject({
        code: 'invalid_input',
        message:
          'Standard input is a folder, not text; redirect a text file (< FILE), pipe the prompt in, or use --prompt-file FILE',
      });
    } finally {
      closeSync(fd);
    }
    const file = join(dir, 'stdin.txt');
    writeFileSync(file, 'The <extra_id_0>\n');
    const fileFd = openSync(file, 'r');
    try {
      expect(await readPromptStream(Object.assign(streamOf('The <extra_id_0>\n'), { fd: fileFd }), live())).toBe(
        'The <extra_id_0>',
      );
    } finally {
      closeSync(fileFd);
    }
  });

  it('stops waiting when the signal aborts (Ctrl-C on an empty terminal)', async () => {
    const controller = new AbortController();
    const waiting = readPromptStream(new PassThrough(), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('readPromptFile', () => {
  it('reads a UTF-8 file, dropping one final line break', async () => {
    writeFileSync(join(dir, 'p.txt'), 'The <extra_id_0> walks\n');
    expect(await readPromptFile(join(dir, 'p.txt'))).toBe('The <extra_id_0> walks');
  });

  it('names a missing file, a folder, a file too large and one that is not UTF-8', async () => {
    const missing = join(dir, 'none.txt');
    await expect(readPromptFile(missing)).rejects.toThrow(`Prompt file ${missing} does not exist`);
    mkdirSync(join(dir, 'folder'));
    await expect(readPromptFile(join(dir, 'folder'))).rejects.toThrow(
      `Prompt file ${join(dir, 'folder')} is not a regular file; use - to read standard input`,
    );
    writeFileSync(join(dir, 'huge.txt'), '');
    truncateSync(join(dir, 'huge.txt'), maxPromptBytes + 1); // sparse: nothing is written
    await expect(readPromptFile(join(dir, 'huge.txt'))).rejects.toThrow(
      `Prompt file ${join(dir, 'huge.txt')} holds more than 3,000,000 bytes; a prompt can be at most 1,000,000 characters`,
    );
    writeFileSync(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await expect(readPromptFile(join(dir, 'latin1.txt'))).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
