// cli/textInput.ts: a file given to --text-file or --prompt-file whose name is not valid UTF-8
// (Latin-1 café.txt), which Node reads from the command line with U+FFFD for the odd byte, is
// read by its bytes; a name that several such files read as is refused, saying why, not
// "does not exist".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileBytes, type TextInputKind } from '../../../src/main/cli/textInput';
import { tempDirs } from '../../support/tmp';

const newDir = tempDirs('spanfill-text-input-');
const kind: TextInputKind = { noun: 'text', fileOption: '--text-file', maxBytes: 1000, limitReason: 'too much' };
const latin1 = (dir: string, byte: number): Buffer =>
  Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([byte]), Buffer.from('.txt')]);

describe('readFileBytes with a name that is not valid UTF-8', () => {
  it('reads the one file the name stands for by its bytes', async () => {
    const dir = newDir();
    writeFileSync(latin1(dir, 0xe9), 'café au lait');
    expect((await readFileBytes(join(dir, 'caf\ufffd.txt'), kind)).toString()).toBe('café au lait');
  });

  it('refuses a name two such files read as, saying why and to rename them', async () => {
    const dir = newDir();
    writeFileSync(latin1(dir, 0xe9), 'e acute');
    writeFileSync(latin1(dir, 0xe8), 'e grave');
    const path = join(dir, 'caf\ufffd.txt');
    await expect(readFileBytes(path, kind)).rejects.toThrow(
      new RegExp(`^Text file ${path} cannot be opened by this name: 2 files .*rename them to UTF-8`),
    );
  });
});
