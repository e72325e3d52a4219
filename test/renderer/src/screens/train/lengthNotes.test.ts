// The Train form's notes under a box that Start does not wait for: settings a run takes that do
// less than they seem at its length.

import { describe, expect, it } from 'vitest';
import { initialForm } from '../../../../../src/renderer/src/lib/trainForm';
import { lengthNotes } from '../../../../../src/renderer/src/screens/train/lengthNotes';

const form = { ...initialForm(undefined), maxSteps: 200, lr: 0.001 };

describe('Train form: notes on settings longer than the run', () => {
  it('say nothing for the starting settings, or when the run length is not known', () => {
    expect(lengthNotes(form, 200)).toEqual({});
    expect(lengthNotes({ ...form, warmupSteps: 500, evalEvery: 500, schedule: 'constant' }, undefined)).toEqual({});
  });

  it('say when the learning rate never reaches the rate set, on a schedule with no end to decay to', () => {
    expect(lengthNotes({ ...form, schedule: 'constant', warmupSteps: 500 }, 200)).toEqual({
      warmupSteps: "More than the run's 200 steps: the learning rate never reaches 0.001.",
    });
    expect(lengthNotes({ ...form, schedule: 'inverseSqrt', warmupSteps: 201 }, 200)).toHaveProperty('warmupSteps');
    expect(lengthNotes({ ...form, schedule: 'constant', warmupSteps: 200 }, 200)).toEqual({});
    // Linear and cosine: refused instead (validate, runs.start); Adafactor: its own step sizes.
    expect(lengthNotes({ ...form, schedule: 'linear', warmupSteps: 500 }, 200)).toEqual({});
    expect(lengthNotes({ ...form, schedule: 'constant', warmupSteps: 500, optimizer: 'adafactor' }, 200)).toEqual({});
  });

  it('say when validation or checkpoints come only at the end, at the steps given or estimated', () => {
    expect(lengthNotes({ ...form, evalEvery: 500, checkpointEvery: 1000 }, 200)).toEqual({
      evalEvery: "More than the run's 200 steps: it validates only at the end.",
      checkpointEvery: "More than the run's 200 steps: it saves a checkpoint only at the end (or when stopped).",
    });
    // Passes over the data: the steps the estimate found.
    expect(lengthNotes({ ...form, length: 'epochs', evalEvery: 50, checkpointEvery: 40 }, 40)).toEqual({
      evalEvery: "More than the run's 40 steps: it validates only at the end.",
    });
    expect(lengthNotes({ ...form, evalEvery: 200, checkpointEvery: 200 }, 200)).toEqual({});
  });
});
