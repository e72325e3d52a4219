// `spanfill train` whose base model (builtin:byt5-tiny, written out on first use) meets a full
// data-directory disk ends as any command that cannot write the data directory does: exit 3 with
// the disk-full advice, --json's code unavailable; not exit 2 for a bad --model with a usage line.
// The failing write is faked: the built-in's writer throws Node's ENOSPC.
import { describe, expect, it, vi } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn } from './train-support';

vi.mock('../../../../src/main/engine/t5/builtin', async (original) => {
  const real = await original<typeof import('../../../../src/main/engine/t5/builtin')>();
  return {
    ...real,
    materializeBuiltinModel: () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
});

const tempDir = tempDirs('spanfill-train-full-');

describe('spanfill train on a full data-directory disk', () => {
  it('exits 3 saying the disk is full, with --estimate and --json too', async () => {
    const dataDir = tempDir();
    const dataset = await importTexts(dataDir, KILL_TEXTS);
    const train = ['train', '--dataset', dataset, '--model', 'builtin:byt5-tiny', '--max-steps', '2'];
    for (const extra of [[], ['--estimate']]) {
      const out = await spanfillIn(dataDir, [...train, ...extra]);
      expect(out.code, out.stderr).toBe(exitCodes.store);
      expect(out.stderr).toMatch(/^spanfill train: The disk is full: free space/);
      expect(out.stderr).not.toMatch(/--model|--help/);
    }
    const json = await spanfillIn(dataDir, [...train, '--json']);
    expect(json.code).toBe(exitCodes.store);
    expect(json.stdout).toMatch(/"code":\s*"unavailable"/);
  }, 60_000);
});
