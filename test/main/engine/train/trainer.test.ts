// The training loop end to end on t5-tiny-spm with dropout on: stopping through the
// AbortSignal, saving and resuming gives bit-identical losses and final files to a straight
// run; the checkpoint is a loadable HF folder plus optimizer and trainer state; the typed
// events arrive in order with sane values; a resume with other settings is refused; a loss that
// stops being finite stops the run.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { listCheckpoints, readTrainerState } from '../../../../src/main/engine/train/checkpoint';
import type { TrainerEvent } from '../../../../src/main/engine/train/progress';
import type { TrainerSettings } from '../../../../src/main/engine/train/settings';
import type { TrainOptions, TrainResult } from '../../../../src/main/engine/train/trainer';
import { train, trainerModelFromDir } from '../../../../src/main/engine/train/trainer';
import { tempDirs } from '../../../support/tmp';
import { loadSpmTokenizer, SPM_DIR, textData } from './helpers';

const tempDir = tempDirs('spanfill-train-');

const TRAIN = [
  'The cute dog walks in the green park',
  'A small cat sleeps on the warm mat',
  'Birds sing in the old tree every morning',
  'The river runs past the quiet town',
  'Children play with a red ball',
];
const VALIDATION = ['The old dog sleeps in the park', 'A cat sings on the tree'];

const SETTINGS: TrainerSettings = {
  batchSize: 2,
  stepsPerCall: 2,
  mask: 'dynamic',
  optimizer: { kind: 'adamw', weightDecay: 0.01 },
  schedule: { kind: 'linear', peakLr: 3e-3, warmupSteps: 2, totalSteps: 8 },
  clipNorm: 1,
  dropoutRate: 0.1,
  seed: 3,
  maxSteps: 8,
  evalEvery: 4,
  checkpointEvery: 4,
  keepLast: 1,
  spanSample: 2,
};

let tokenizer: TextTokenizer;
let straight: { result: TrainResult; events: TrainerEvent[]; dir: string };

async function run(overrides: Partial<TrainOptions> = {}, settings: Partial<TrainerSettings> = {}) {
  const events: TrainerEvent[] = [];
  const dir = overrides.checkpointDir ?? tempDir();
  const result = await train({
    model: trainerModelFromDir(SPM_DIR),
    data: textData(tokenizer, TRAIN, VALIDATION),
    settings: { ...SETTINGS, ...settings },
    checkpointDir: dir,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  return { result, events, dir };
}

const bytes = (dir: string, file: string): Buffer => readFileSync(join(dir, file));

// The straight run is shared by every test, so its folder outlives tempDirs' per-test cleanup.
const sharedDir = mkdtempSync(join(tmpdir(), 'spanfill-train-straight-'));
beforeAll(async () => {
  tokenizer = await loadSpmTokenizer();
  straight = await run({ checkpointDir: sharedDir });
});
afterAll(() => rmSync(sharedDir, { recursive: true, force: true }));

describe('train', () => {
  it('stop + resume from the checkpoint equals a straight run, bit for bit (dropout on)', async () => {
    const controller = new AbortController();
    const first = await run({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind === 'progress' && e.step === 4) controller.abort();
      },
    });
    expect(first.result.status).toBe('stopped');
    expect(first.result.step).toBe(4);
    const second = await run({ checkpointDir: first.dir, resumeFrom: first.result.lastCheckpoint as string });
    expect(second.result.status).toBe('completed');
    const losses = [...first.result.losses, ...second.result.losses];
    console.log(`straight: ${straight.result.losses.join(' ')}\nresumed:  ${losses.join(' ')}`);
    expect(losses).toEqual(straight.result.losses);
    const [a, b] = [straight.result.lastCheckpoint as string, second.result.lastCheckpoint as string];
    for (const file of ['model.safetensors', 'optimizer.safetensors'])
      expect(bytes(b, file).equals(bytes(a, file))).toBe(true);
    const [sa, sb] = [readTrainerState(a), readTrainerState(b)];
    expect({ ...sb, elapsedMs: 0 }).toEqual({ ...sa, elapsedMs: 0 });
  });

  it('hears a stop that reached it as it started before its first call: no step trained', async () => {
    // As a host's train.stop does when it arrives while the run is prepared: it is handled on a
    // later turn of the event loop than the 'started' event, before any call if the trainer lets it.
    const controller = new AbortController();
    const stopped = await run({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind === 'started') setImmediate(() => controller.abort());
      },
    });
    expect(stopped.result.status).toBe('stopped');
    expect(stopped.result.step).toBe(0);
    expect(stopped.events.filter((e) => e.kind === 'progress')).toEqual([]);
  });

  it("records how its examples were made, and goes on from a checkpoint that does not say (an older Spanfill's)", async () => {
    // This Spanfill's per-document pieces end in </s> (207452bb): scheme per-document-2.
    expect(readTrainerState(straight.result.lastCheckpoint as string).examples).toEqual({
      train: 'per-document-2',
      validation: 'per-document-2',
    });
    const controller = new AbortController();
    const first = await run({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind === 'progress' && e.step === 4) controller.abort();
      },
    });
    const from = first.result.lastCheckpoint as string;
    const { examples: _, ...older } = readTrainerState(from);
    writeFileSync(join(from, 'trainer_state.json'), JSON.stringify(older));
    const second = await run({ checkpointDir: first.dir, resumeFrom: from });
    expect(second.result.status).toBe('completed');
    expect(readTrainerState(second.result.lastCheckpoint as string).examples).toEqual({
      train: 'per-document-2',
      validation: 'per-document-2',
    });
  });

  it('writes whole HF checkpoints with optimizer and trainer state, keeping the last and the best', () => {
    const dir = straight.result.lastCheckpoint as string;
    expect(readdirSync(dir).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'optimizer.safetensors',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'trainer_state.json',
    ]);
    expect(bytes(dir, 'tokenizer.json').equals(bytes(SPM_DIR, 'tokenizer.json'))).toBe(true);
    const { config } = loadT5Model(dir);
    expect(config).toEqual(loadT5Model(SPM_DIR).config);
    const state = readTrainerState(dir);
    expect(state).toMatchObject({ step: 8, rng: { dataSeed: 5, dropoutSeed: 3, mask: 'dynamic' } });
    const n = textData(tokenizer, TRAIN, VALIDATION).train.plan.exampleCount; // long sentences make 2 pieces
    expect(state.data).toEqual({ epoch: Math.floor(16 / n), offset: 16 % n }); // 8 steps × 2 rows
    // keepLast 1: step 8 stays, and step 4 only if its validation loss was the best.
    const kept = listCheckpoints(straight.dir);
    const isFourBest = (kept.find((c) => c.step === 4)?.validationLoss ?? Infinity) <= (state.validation?.loss ?? 0);
    expect(kept.map((c) => c.step)).toEqual(isFourBest ? [4, 8] : [8]);
    expect(readdirSync(straight.dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('reports started, progress, evaluation and checkpoint events in order', () => {
    const kinds = straight.events.map((e) => (e.kind === 'progress' ? `p${e.step}` : e.kind));
    expect(kinds).toEqual(['started', 'p2', 'p4', 'evaluation', 'checkpoint', 'p6', 'p8', 'evaluation', 'checkpoint']);
    for (const e of straight.events) {
      if (e.kind === 'progress') {
        expect(e.losses).toHaveLength(2);
        expect(e.tokensPerSecond).toBeGreaterThan(0);
        expect(e.etaMs).not.toBeNull();
        expect(e.learningRate).toBeGreaterThan(0);
      }
      if (e.kind === 'evaluation') {
        expect(Number.isFinite(e.metrics.loss)).toBe(true);
        expect(e.metrics.examples).toBe(textData(tokenizer, TRAIN, VALIDATION).validation?.plan.exampleCount);
        expect(e.metrics.tokenAccuracy).toBeGreaterThanOrEqual(0);
        expect(e.metrics.tokenAccuracy).toBeLessThanOrEqual(1);
        expect(e.metrics.spanExactMatch).not.toBeNull();
      }
    }
    const last = straight.events.filter((e) => e.kind === 'progress').pop();
    const n = textData(tokenizer, TRAIN, VALIDATION).train.plan.exampleCount;
    expect(last).toMatchObject({ step: 8, etaMs: 0, epoch: 16 / n });
  });

  it('a stop checkpoint carries the validation of its own step, so it can be the best; never an older one', async () => {
    const stopAt = async (step: number) => {
      const controller = new AbortController();
      const events: TrainerEvent[] = [];
      const { result, dir } = await run(
        {
          signal: controller.signal,
          onEvent: (e) => {
            events.push(e);
            if (e.kind === 'progress' && e.step === step) controller.abort();
          },
        },
        { evalEvery: 4, checkpointEvery: 0, keepLast: 5 },
      );
      return { result, dir, events };
    };
    const atEval = await stopAt(4);
    const evaluated = atEval.events.find((e) => e.kind === 'evaluation');
    expect(atEval.result).toMatchObject({ status: 'stopped', step: 4 });
    const kept = listCheckpoints(atEval.dir);
    expect(kept.map((c) => c.step)).toEqual([4]);
    expect(evaluated?.kind === 'evaluation' && evaluated.metrics.loss).toBe(kept[0].validationLoss);
    expect(readTrainerState(atEval.result.lastCheckpoint as string).validation).toEqual(
      evaluated?.kind === 'evaluation' ? evaluated.metrics : undefined,
    );
    expect(atEval.result.best?.step).toBe(4);

    const afterEval = await stopAt(6); // evaluated at 4, stopped at 6
    expect(afterEval.result).toMatchObject({ status: 'stopped', step: 6 });
    expect(readTrainerState(afterEval.result.lastCheckpoint as string).validation).toBeNull();
  });

  it('stops when the loss stops being finite, keeping the checkpoints before it and writing none after', async () => {
    // A learning rate no run would use: after an AdamW step every weight is ~1e30, and a
    // forward pass soon overflows float32.
    const dir = tempDir();
    const diverging = run(
      { checkpointDir: dir },
      {
        stepsPerCall: 1,
        schedule: { kind: 'constant', peakLr: 1e30, warmupSteps: 0, totalSteps: 8 },
        clipNorm: undefined,
        evalEvery: 0,
        checkpointEvery: 1,
        keepLast: 10,
      },
    );
    const error = await diverging.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    const [, at] = /^The training loss became (?:not a number \(NaN\)|infinite) at step (\d+): training diverged$/.exec(
      error?.message ?? '',
    ) ?? [undefined, '0'];
    expect(Number(at), error?.message).toBeGreaterThan(1);
    // A checkpoint after every finite step, none from the step that diverged on.
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual(Array.from({ length: Number(at) - 1 }, (_, i) => i + 1));
  });

  it('reports the step a call of several steps diverged at, as its error does, and fails as a conflict', async () => {
    const events: TrainerEvent[] = [];
    const error = await run(
      { onEvent: (e) => events.push(e) },
      {
        stepsPerCall: 4,
        schedule: { kind: 'constant', peakLr: 1e30, warmupSteps: 0, totalSteps: 8 },
        clipNorm: undefined,
        evalEvery: 0,
        checkpointEvery: 4,
      },
    ).then(
      () => undefined,
      (caught: unknown) => caught as ApiError,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.code).toBe('conflict');
    const at = Number(/ at step (\d+): training diverged$/.exec(error?.message ?? '')?.[1]);
    expect(at % 4, `diverged at ${at}: inside a call, not at its end`).not.toBe(0);
    const last = events.filter((e) => e.kind === 'progress').at(-1);
    expect(last).toMatchObject({ kind: 'progress', step: at });
    // Its losses end with the one that was not finite, the step before it the last finite one.
    const losses = last?.kind === 'progress' ? last.losses : [];
    expect(losses.map(Number.isFinite)).toEqual([...losses.slice(0, -1).map(() => true), false]);
  });

  it('refuses to resume with settings that would change the run, naming the field', async () => {
    const from = straight.result.lastCheckpoint as string;
    await expect(run({ resumeFrom: from }, { batchSize: 1 })).rejects.toThrow(
      `Cannot resume from ${from}: it was trained with batchSize = 2, this run has 1`,
    );
  });
});
