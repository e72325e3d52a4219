// exportRoomNeeded: the least an export writes, known before it writes. Never more than what
// any format then writes (hf, transformers.js, with int8 graphs, a ByT5 folder's), and the
// float32 weights of every tensor a folder's header lists (an untied lm_head included) with its
// tokenizer files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportHfFolder } from '../../../../src/main/engine/export/hf';
import { listFiles } from '../../../../src/main/engine/export/manifest';
import { exportRoomNeeded } from '../../../../src/main/engine/export/room';
import { exportTransformersJs } from '../../../../src/main/engine/export/transformersjs';
import { writeByT5Folder } from '../../../support/byt5Folder';
import { tempDirs } from '../../../support/tmp';
import { roomNeededFor } from '../../services/exportRoom-support';
import { FIXTURES } from '../t5/helpers';

const tempDir = tempDirs('spanfill-export-room-');
const SPM = join(FIXTURES, 't5-tiny-spm');

/** The bytes of the files `write` puts in a fresh folder. */
async function written(write: (dest: string) => Promise<void>): Promise<number> {
  const dest = join(tempDir(), 'out');
  mkdirSync(dest);
  await write(dest);
  return listFiles(dest).bytes;
}

describe('exportRoomNeeded', () => {
  it("is the float32 weights of the tensors a folder's header lists, and its tokenizer files", () => {
    expect(exportRoomNeeded(SPM)).toBe(roomNeededFor(SPM));
    const untied = join(FIXTURES, 't5-tiny-gated'); // lm_head.weight of its own, no tokenizer
    expect(exportRoomNeeded(untied)).toBe(roomNeededFor(untied));
  });

  it('is never more than what an export writes, in any format', async () => {
    const byt5 = writeByT5Folder(join(tempDir(), 'byt5'));
    const needs = exportRoomNeeded(SPM);
    expect(await written((dest) => exportHfFolder(SPM, dest))).toBeGreaterThanOrEqual(needs);
    expect(await written((dest) => exportTransformersJs(SPM, dest))).toBeGreaterThanOrEqual(needs);
    expect(await written((dest) => exportTransformersJs(SPM, dest, { quantize: 'int8' }))).toBeGreaterThanOrEqual(
      needs,
    );
    expect(await written((dest) => exportHfFolder(byt5, dest))).toBeGreaterThanOrEqual(exportRoomNeeded(byt5));
  });
});
