// Crash safety: a training process SIGKILLed at three random moments (around a random step,
// often while a checkpoint is being written) and resumed each time from its newest whole
// checkpoint re-runs every lost step with the same loss and ends with the same parameters,
// optimizer state and trainer state as a straight run; every checkpoint ever listed is whole.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { listCheckpoints, readCheckpoint, readTrainerState } from '../../../../src/main/engine/train/checkpoint';
import { train, trainerModelFromDir } from '../../../../src/main/engine/train/trainer';
import { KILL_SETTINGS, KILL_TEXTS, loadSpmTokenizer, SPM_DIR, textData } from './helpers';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-kill-');

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = fileURLToPath(new URL('./fixtures/trainChild.ts', import.meta.url));

/** Runs the child until it exits, or SIGKILLs it `extraMs` after it reports step `killAt`. */
function runChild(dir: string, onLoss: (step: number, loss: number) => void, killAt?: number, extraMs = 0) {
  const proc = spawn(process.execPath, ['--import', tsx, child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const { step, loss } = JSON.parse(line) as { step: number; loss: number };
      onLoss(step, loss);
      if (killAt !== undefined && step >= killAt && !proc.killed) setTimeout(() => proc.kill('SIGKILL'), extraMs);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
}

const bytes = (dir: string, file: string): Buffer => readFileSync(join(dir, file));

describe('a trainer killed with SIGKILL', () => {
  it('resumes three times and ends exactly like a straight run, with only whole checkpoints', async () => {
    const tokenizer = await loadSpmTokenizer();
    const straightDir = tempDir();
    const straight = await train({
      model: trainerModelFromDir(SPM_DIR),
      data: textData(tokenizer, KILL_TEXTS, []),
      settings: KILL_SETTINGS,
      checkpointDir: straightDir,
    });
    const dir = tempDir();
    const mismatches: string[] = [];
    const onLoss = (step: number, loss: number): void => {
      if (loss !== straight.losses[step]) mismatches.push(`step ${step}: ${loss} vs ${straight.losses[step]}`);
    };
    const kills = [5, 25, 45].map((from) => ({ step: from + Math.floor(Math.random() * 10), ms: Math.random() * 40 }));
    console.log(`killing at: ${kills.map((k) => `step ${k.step} + ${k.ms.toFixed(0)} ms`).join(', ')}`);
    for (const kill of kills) {
      expect((await runChild(dir, onLoss, kill.step, kill.ms)).signal).toBe('SIGKILL');
      for (const c of listCheckpoints(dir))
        expect(() => readCheckpoint(c.dir, loadT5Model(SPM_DIR).config)).not.toThrow();
    }
    expect((await runChild(dir, onLoss)).code).toBe(0);
    expect(mismatches).toEqual([]);
    const last = listCheckpoints(dir).pop();
    expect(last?.step).toBe(KILL_SETTINGS.maxSteps);
    const a = straight.lastCheckpoint as string;
    const b = last?.dir as string;
    for (const file of ['model.safetensors', 'optimizer.safetensors'])
      expect(bytes(b, file).equals(bytes(a, file))).toBe(true);
    const [sa, sb] = [readTrainerState(a), readTrainerState(b)];
    expect({ ...sb, elapsedMs: 0 }).toEqual({ ...sa, elapsedMs: 0 });
  });
});
