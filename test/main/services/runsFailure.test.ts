// The failed-run hint: each kind of failure (out of memory in its several spellings, a provider
// failure, the engine host ending) is recognised from the message that reaches the service,
// and the stored error keeps the cause, says the checkpoints are kept and what to try; a state
// refused on a resume names its checkpoint's folder to remove.
import { describe, expect, it } from 'vitest';
import {
  failureCode,
  datasetGoneMessage,
  divergedMessage,
  failureHint,
  failureKind,
  failureMessage,
  interruptedMessage,
} from '../../../src/main/services/runsFailure';

describe('failureKind', () => {
  it.each([
    ['std::bad_alloc'],
    ['bad allocation'],
    [
      '[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned while running MatMul node. Failed to allocate memory for requested buffer of size 1073741824',
    ],
    ['Available memory of 0 is smaller than requested bytes of 4194304'],
    ['CUDA failure 2: out of memory ; GPU=0'],
    ['RangeError: Array buffer allocation failed'],
    ['The engine host was killed by SIGKILL: terminate called after throwing an instance of std::bad_alloc'],
  ])('reads %j as out of memory', (message) => {
    expect(failureKind(message)).toBe('out-of-memory');
  });

  it.each([
    ['WebGPU device was lost: the GPU process stopped'],
    ['Error: no available backend found. Execution provider dml is not supported'],
    ['CUDA error cudaErrorLaunchFailure: unspecified launch failure'],
  ])('reads %j as a provider failure', (message) => {
    expect(failureKind(message)).toBe('provider');
  });

  it.each([['The engine host was killed by SIGKILL'], ['The engine host exited with code 134: Aborted | webgpu']])(
    'reads %j as the host ending',
    (message) => {
      expect(failureKind(message)).toBe('host-crash');
    },
  );

  it.each([
    ['ENOSPC: no space left on device, write'],
    ["EDQUOT: disk quota exceeded, open '/d/runs/r-1/checkpoints/step-00000010.tmp/model.safetensors'"],
    ['SqliteError: database or disk is full'],
  ])('reads %j as a full disk', (message) => {
    expect(failureKind(message)).toBe('disk-full');
  });

  it('leaves anything else as other', () => {
    expect(failureKind("The dataset's token cache x is stale; start the run again")).toBe('other');
  });
});

describe('failureCode', () => {
  it("gives a diverged run 'conflict' and a crashed host 'unavailable', never 'internal'", () => {
    expect(failureCode('The training loss became infinite at step 17: training diverged. Its checkpoints …')).toBe(
      'conflict',
    );
    expect(failureCode('The engine host was killed by SIGKILL')).toBe('unavailable');
    expect(failureCode('Cannot resume from /x: it was trained with batchSize = 2, this run has 1')).toBeUndefined();
  });
});

describe('failureHint and failureMessage', () => {
  it('sends a run out of memory to a new run with smaller settings: a resume keeps its own', () => {
    const hint = failureHint('std::bad_alloc', 'r-1');
    expect(hint).toBe(
      "The run ran out of memory. Its checkpoints are kept; a resume keeps this run's settings, so it would likely run " +
        'out again: start a new run with a smaller Batch size (--batch-size; more Gradient accumulation, ' +
        '--accumulation, keeps the effective batch), a shorter Input length (--input-length), or provider cpu, from its last checkpoint ' +
        '(Train → Base model; in a terminal, `spanfill train --model FOLDER` with the last checkpoint folder ' +
        '`spanfill runs show r-1` lists). If the memory was taken by something that has ended since, Resume (in a terminal: ' +
        '`spanfill runs resume r-1`) continues from the last one',
    );
  });

  it('sends a provider failure to Resume on the same provider, then to a new run on cpu', () => {
    expect(failureHint('WebGPU device was lost', 'r-2')).toBe(
      'The execution provider failed. Its checkpoints are kept; Resume (in a terminal: `spanfill runs resume r-2`) ' +
        'continues from the last one, on the same provider. Should it fail again, start a new run with provider cpu, or a ' +
        'smaller Batch size (--batch-size) or a shorter Input length (--input-length), from its last checkpoint ' +
        '(Train → Base model; in a terminal, `spanfill train --model FOLDER` with the last checkpoint folder ' +
        "`spanfill runs show r-2` lists): a resume keeps this run's settings",
    );
  });

  it('sends a crashed host to Resume, and to a new run with smaller settings should it stop again', () => {
    const message = failureMessage(new Error('The engine host was killed by SIGKILL'), 'r-3');
    expect(message).toBe(
      'The engine host was killed by SIGKILL. The engine host stopped while training (a crash, or the system ended ' +
        'it, often for lack of memory). Its checkpoints are kept; Resume (in a terminal: `spanfill runs resume r-3`) ' +
        'continues from the last one. Should it stop again, it may need more memory than is free: start a new run ' +
        'with a smaller Batch size (--batch-size), a shorter Input length (--input-length), or provider cpu, from its ' +
        'last checkpoint (Train → Base model; in a terminal, `spanfill train --model FOLDER` with the last checkpoint ' +
        "folder `spanfill runs show r-3` lists): a resume keeps this run's settings",
    );
  });

  it('says the disk is full and where to free space, not to shrink the batch', () => {
    const message = failureMessage(new Error('ENOSPC: no space left on device, write'), 'r-6');
    // In words alone: Node's "ENOSPC: …, write" led the sentence (probe-74).
    expect(message).toMatch(/^The disk is full\. Its checkpoints are kept; free space /);
    expect(failureMessage(new Error('SqliteError: database or disk is full'), 'r-6')).toMatch(/^The disk is full\. /);
    // What else the cause says stays; said again, it is still a full disk.
    const checkpoint = failureMessage(
      new Error('Could not save step 10: ENOSPC: no space left on device, write'),
      'r-6',
    );
    expect(checkpoint).toMatch(/^Could not save step 10\. The disk is full\. Its checkpoints are kept; /);
    expect(failureKind(message)).toBe('disk-full');
    expect(message).toContain('the data directory (`spanfill system` names it)');
    expect(message).toContain(
      'delete runs or models you no longer need (`spanfill runs rm ID`, `spanfill models rm ID`); then Resume ' +
        '(in a terminal: `spanfill runs resume r-6`) continues from the last one. ',
    );
    expect(message).not.toMatch(/batchSize|inputLength/);
    // Fewer checkpoints kept is advice a person can take: the resume itself takes it (Checkpoints
    // kept by Resume, `runs resume --keep-last`); no new run is needed for it.
    expect(message).not.toContain('keep fewer checkpoints per run');
    expect(message).not.toContain('start a new run');
    expect(message).toMatch(
      /continues from the last one\. To keep fewer checkpoints from then on, set Checkpoints kept by Resume \(in a terminal: `spanfill runs resume r-6 --keep-last 1`\); the older ones go once it saves its next, which needs room of its own$/,
    );
    // With no checkpoint, a resume starts over, and fewer kept would free nothing.
    expect(failureMessage(new Error('ENOSPC: no space left on device, write'), 'r-6', false)).toMatch(
      /^The disk is full\. It saved no checkpoint; .*\) continues from the beginning$/,
    );
  });

  it('sends a diverged run to a new run with a lower rate, not to Resume, which would diverge again', () => {
    const message = failureMessage(
      new Error('The training loss became not a number (NaN) at step 412: training diverged'),
      'r-8',
    );
    expect(failureKind(message)).toBe('diverged');
    expect(message).toBe(
      'The training loss became not a number (NaN) at step 412: training diverged. Its checkpoints are kept; at these ' +
        'settings it would diverge again: start a new run with a lower learning rate (lr) and gradient clipping on ' +
        '(clipNorm), from its last checkpoint (Train → Base model)',
    );
    expect(failureMessage('The training loss became infinite at step 1: training diverged', 'r-9', false)).toMatch(
      /It saved no checkpoint; at these settings it would diverge again: .*\(clipNorm\)$/,
    );
  });

  it("follows the run's settings: clipping already on asks only for a lower rate; off, for both", () => {
    const diverged = new Error('The training loss became not a number (NaN) at step 2: training diverged');
    const adamw = { kind: 'adamw' } as const;
    const clipped = failureMessage(diverged, 'r-30', true, 'cpu', {
      settings: { lr: 1, clipNorm: 1, optimizer: adamw },
    });
    expect(clipped).toBe(
      'The training loss became not a number (NaN) at step 2: training diverged. Its checkpoints are kept; at these ' +
        'settings it would diverge again: start a new run with a lower learning rate (lr, 1 in this run; gradient ' +
        'clipping was on, clipNorm 1), from its last checkpoint (Train → Base model)',
    );
    const unclipped = failureHint(diverged.message, 'r-31', false, 'cpu', {
      settings: { lr: 10, clipNorm: null, optimizer: adamw },
    });
    expect(unclipped).toBe(
      'It saved no checkpoint; at these settings it would diverge again: start a new run with a lower learning rate ' +
        '(lr, 10 in this run) and gradient clipping on (clipNorm, off in this run; 1 is the default)',
    );
  });

  it('blames an AdamW eps too small for float32 (flushed to 0: a parameter with no gradient moves by 0/0), not lr', () => {
    const hint = failureHint(
      'The training loss became not a number (NaN) at step 2: training diverged',
      'r-32',
      true,
      'cpu',
      {
        settings: { lr: 1, clipNorm: 1, optimizer: { kind: 'adamw', eps: 1e-45 } },
      },
    );
    expect(hint).toBe(
      "Its checkpoints are kept; at these settings it would diverge again: start a new run with a larger eps (AdamW's " +
        'eps 1e-45 is too small for float32: its kernels flush it to 0 once scaled below 1.2e-38, so a parameter with ' +
        'no gradient moves by 0/0, which is NaN; 1e-8 is the default), from its last checkpoint (Train → Base model)',
    );
    // One that float32 keeps (1e-30 · √(1 − 0.999) ≈ 3e-32) is not blamed.
    expect(
      failureHint('The training loss became infinite at step 9: training diverged', 'r-33', true, 'cpu', {
        settings: { lr: 1, clipNorm: 1, optimizer: { kind: 'adamw', eps: 1e-30 } },
      }),
    ).not.toMatch(/eps/);
  });

  it('does not blame the settings for a loss that is not finite at the first step after a resume: its checkpoint may be damaged', () => {
    const dir = '/d/runs/r-34/checkpoints/step-00000030';
    const message = failureMessage(
      new Error('The training loss became not a number (NaN) at step 31: training diverged'),
      'r-34',
      true,
      'cpu',
      {
        settings: { lr: 1e-3, clipNorm: 1, optimizer: { kind: 'adamw' } },
        resumedFrom: { dir, step: 30, previous: 20 },
      },
    );
    expect(message).toBe(
      `The training loss became not a number (NaN) at step 31, the first step after resuming from ${dir}, which ` +
        'the same settings reached with finite losses: its weights or optimizer state may have been damaged after it ' +
        `was written. Its checkpoints are kept. To go back to step 20, remove the folder ${dir} (or move it out of ` +
        'that folder to keep it); then Resume (in a terminal: `spanfill runs resume r-34`) continues from step 20',
    );
    expect(failureKind(message)).not.toBe('diverged'); // so the run stays resumable
    // Later than its first step, the settings are at fault as usual.
    expect(
      failureMessage('The training loss became infinite at step 32: training diverged', 'r-34', true, 'cpu', {
        resumedFrom: { dir, step: 30, previous: 20 },
      }),
    ).toMatch(/training diverged\. .*lower learning rate/);
  });

  it('does not send a run that trained on the CPU to the CPU', () => {
    const smaller = 'a smaller Batch size (--batch-size) or a shorter Input length (--input-length), from its last';
    const crashed = failureMessage('The engine host was killed by SIGKILL', 'r-11', true, 'cpu');
    expect(crashed).toContain(`start a new run with ${smaller}`);
    expect(failureHint('std::bad_alloc', 'r-12', true, 'cpu')).toContain(
      'effective batch) or a shorter Input length (--input-length), from its last',
    );
    expect(failureHint('Execution provider failed to run node', 'r-13', true, 'cpu')).toContain(
      `start a new run with ${smaller}`,
    );
    for (const hint of [crashed, failureHint('std::bad_alloc', 'r-12', true, 'cpu')]) expect(hint).not.toMatch(/cpu/);
    expect(failureHint('The engine host was killed by SIGKILL', 'r-14', true, 'webgpu')).toMatch(/, or provider cpu, /);
  });

  it('says when there is no checkpoint to resume from, and starts a new run from the base model', () => {
    const hint = failureMessage('std::bad_alloc', 'r-7', false);
    expect(hint).toMatch(
      /^std::bad_alloc\. The run ran out of memory\. It saved no checkpoint; .* continues from the beginning$/,
    );
    expect(hint).toContain('or provider cpu. If the memory');
    expect(failureHint('The engine host exited with code 1', 'r-8', false)).toMatch(
      /continues from the beginning\. Should it stop again, .*, or provider cpu: a resume keeps this run's settings$/,
    );
  });

  it('keeps a message that ends in a full stop readable', () => {
    expect(failureMessage('Something broke.', 'r-4')).toMatch(/^Something broke\. Its checkpoints are kept;/);
  });

  it('words a state refused on a resume as its checkpoint not loading, with the folder to remove', () => {
    const resumedFrom = { dir: '/d/step-00000050', step: 50, previous: 40 };
    expect(failureMessage("setState(): missing 'opt.m/x'", 'r-15', true, 'cpu', { resumedFrom })).toBe(
      "The checkpoint /d/step-00000050 could not be loaded: setState(): missing 'opt.m/x'. Its checkpoints are kept. " +
        'To go back to step 40, remove the folder /d/step-00000050 (or move it out of that folder to keep it); then ' +
        'Resume (in a terminal: `spanfill runs resume r-15`) continues from step 40',
    );
    // Not on a resume: not put down to a checkpoint.
    expect(failureMessage("setState(): missing 'opt.m/x'", 'r-15')).toMatch(
      /^setState\(\): missing 'opt\.m\/x'\. Its checkpoints are kept; once/,
    );
  });

  it('does not send a cause it does not know to a smaller batch: the message says what to put right', () => {
    expect(failureMessage("The dataset's token cache x is stale; start the run again", 'r-10')).toBe(
      "The dataset's token cache x is stale; start the run again. Its checkpoints are kept; once the cause above is " +
        'put right, Resume (in a terminal: `spanfill runs resume r-10`) continues from the last one',
    );
  });
});

describe('datasetGoneMessage', () => {
  it('says the run cannot resume without its dataset, and how its last checkpoint can start a new run', () => {
    expect(datasetGoneMessage('r-5', 'ds-1', '/d/runs/r-5/checkpoints/step-00000700')).toBe(
      'Run r-5 cannot be resumed: the dataset it trained on (ds-1) was removed. Its checkpoints are kept: a new run ' +
        'can start from one on another dataset (Train → Base model; in a terminal, ' +
        '`spanfill train --model /d/runs/r-5/checkpoints/step-00000700 --dataset ID`).',
    );
    expect(datasetGoneMessage('r-5', 'ds-1', undefined)).toBe(
      'Run r-5 cannot be resumed: the dataset it trained on (ds-1) was removed.',
    );
  });
});

describe('divergedMessage', () => {
  it('says why a diverged run is not resumed, and how its last checkpoint can start a new run', () => {
    expect(divergedMessage('r-6', 'ds-2', '/d/runs/r-6/checkpoints/step-00000400')).toBe(
      'Run r-6 is not resumed: its training loss stopped being finite, and a resume would replay the same steps to the ' +
        'same end. Start a new run with a lower learning rate (lr) and gradient clipping on (clipNorm) from its last ' +
        'checkpoint (Train → Base model; in a terminal, `spanfill train --model /d/runs/r-6/checkpoints/step-00000400 ' +
        '--dataset ds-2 --lr LR`).',
    );
  });

  it("follows the run's settings", () => {
    const last = '/d/runs/r-6/checkpoints/step-00000400';
    expect(divergedMessage('r-6', 'ds-2', last, { lr: 1, clipNorm: 1, optimizer: { kind: 'adamw' } })).toMatch(
      /Start a new run with a lower learning rate \(lr, 1 in this run; gradient clipping was on, clipNorm 1\) from .* --lr LR`\)\.$/,
    );
    expect(
      divergedMessage('r-6', 'ds-2', last, { lr: 1, clipNorm: 1, optimizer: { kind: 'adamw', eps: 1e-45 } }),
    ).toMatch(
      /Start a new run with a larger eps \(AdamW's eps 1e-45 .*\) from its last checkpoint .* --eps 1e-8`\)\.$/,
    );
  });
});

describe('interruptedMessage', () => {
  const run = { id: 'r-20', ownerPid: 4242, step: 40 };
  it('promises the last checkpoint only to a run that has one', () => {
    expect(interruptedMessage(run, true)).toBe(
      'The process training it (pid 4242) ended without stopping it, at step 40; Resume (in a terminal: ' +
        '`spanfill runs resume r-20`) continues from its last checkpoint',
    );
    expect(interruptedMessage(run, false)).toBe(
      'The process training it (pid 4242) ended without stopping it, at step 40, before its first checkpoint; ' +
        'Resume (in a terminal: `spanfill runs resume r-20`) continues from the beginning',
    );
  });

  it('says a run whose process never began it starts from the beginning', () => {
    expect(interruptedMessage({ ...run, ownerPid: null }, false)).toMatch(
      /^The process that started it ended before it began training; .* continues from the beginning$/,
    );
    // Still queued: its process recorded itself at the insert, then ended before the trainer began.
    expect(interruptedMessage({ ...run, step: 0, status: 'queued' }, false)).toMatch(
      /^The process that started it ended before it began training; .* continues from the beginning$/,
    );
  });
});
