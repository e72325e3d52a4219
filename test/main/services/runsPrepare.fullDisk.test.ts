// A base model written out on first use (builtin:byt5-tiny, a preset:NAME's folder) that meets a
// full or read-only disk: the write's own error comes back unchanged (the data directory cannot
// be used: the CLI exits 3, as import, fill and mask do), not a bad model (invalid_argument, a
// usage error). A model that is really wrong is still refused as the model. The failing write
// is faked: the two writers throw Node's error.
import { describe, expect, it, vi } from 'vitest';
import { classifyFailure } from '../../../src/main/cli/exit-codes';
import { SPM } from '../cli/commands/train-support';
import { runsServiceKit, smallRunFields } from './runs-support';

/** What the faked writers throw next (none: they write as they do). */
const failure: { error?: Error } = {};

vi.mock('../../../src/main/engine/t5/builtin', async (original) => {
  const real = await original<typeof import('../../../src/main/engine/t5/builtin')>();
  return {
    ...real,
    materializeBuiltinModel: (...args: Parameters<typeof real.materializeBuiltinModel>) => {
      if (failure.error) throw failure.error;
      return real.materializeBuiltinModel(...args);
    },
  };
});

vi.mock('../../../src/main/engine/t5/preset', async (original) => {
  const real = await original<typeof import('../../../src/main/engine/t5/preset')>();
  const failing =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (failure.error) throw failure.error;
      return write(...args);
    };
  return {
    ...real,
    materializePresetModel: failing(real.materializePresetModel),
    materializePresetShape: failing(real.materializePresetShape),
  };
});

const nodeError = (code: string, words: string): Error =>
  Object.assign(new Error(`${code}: ${words}, write`), { code });
const FULL = nodeError('ENOSPC', 'no space left on device');
const READ_ONLY = nodeError('EROFS', 'read-only file system');

const { setUp } = runsServiceKit();

describe('runs service: a base model written out on a disk that cannot take it', () => {
  it.each([
    ['builtin:byt5-tiny', {}],
    ['preset:t5-small', { tokenizer: SPM }],
  ])(
    '%s: a full or read-only disk is the data directory, not the model',
    async (model, extra) => {
      const { app, datasetId } = await setUp();
      const request = { ...smallRunFields(datasetId), model, ...extra };
      for (const error of [FULL, READ_ONLY]) {
        failure.error = error;
        for (const attempt of [() => app.runs.start(request), () => app.runs.estimate(request)]) {
          const failed = await attempt().catch((e: unknown) => e);
          expect(failed, `${model} ${error.message}`).toBe(error);
          expect(classifyFailure(failed, false)).toEqual({ exitCode: 3, code: 'unavailable' });
        }
      }
      failure.error = undefined;
      expect(app.runs.list()).toEqual([]);
    },
    60_000,
  );

  it('still refuses a model that cannot be made as the model', async () => {
    const { app, datasetId } = await setUp();
    failure.error = new Error('its config is not valid JSON');
    const failed = await app.runs
      .estimate({ ...smallRunFields(datasetId), model: 'builtin:byt5-tiny' })
      .catch((e) => e);
    failure.error = undefined;
    expect(failed).toMatchObject({ code: 'invalid_argument', message: 'model: its config is not valid JSON' });
  }, 60_000);
});
