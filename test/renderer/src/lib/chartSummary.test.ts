// A chart's data in words: each series' first and last point, a loss's lowest, and a learning
// rate's highest where it is above both ends (its peak after a warm-up).
import { describe, expect, it } from 'vitest';
import { chartSummary, spokenNumber, windowSummary } from '../../../../src/renderer/src/lib/chartSummary';

/** Two runs compared over two steps, the first with a validation loss: a chart's all but its values. */
const comparison = { title: 'Loss', xLabel: 'step', labels: ['a training', 'a validation', 'b training'], xs: [1, 2] };

describe('chartSummary', () => {
  it("says a loss chart's training loss from first to last with its lowest, and its validation loss", () => {
    // Training at steps 1–4, validation at steps 2 and 4 only (gaps elsewhere, as the charts align them).
    const summary = chartSummary({
      title: 'Loss',
      xLabel: 'step',
      labels: ['training loss', 'validation loss'],
      xs: [1, 2, 3, 4],
      ys: [
        [6.6434, 3.1, 1.5321, 1.6912],
        [null, 2.25, null, 1.875],
      ],
    });
    expect(summary).toBe(
      'Loss: training loss 6.64 at step 1 to 1.69 at step 4, lowest 1.53 at step 3; ' +
        'validation loss 2.25 at step 2 to 1.88 at step 4, lowest 1.88 at step 4.',
    );
  });

  it('says no lowest for what is not a loss, and the x axis after the number when it is a phrase', () => {
    const summary = chartSummary({
      title: 'Learning rate',
      xLabel: 'input tokens seen',
      labels: ['learning rate'],
      xs: [4096, 8192, 12288],
      ys: [[0.001, 0.0005, 0.0001]],
    });
    expect(summary).toBe(
      'Learning rate: learning rate 0.001 at 4,096 input tokens seen to 0.0001 at 12,288 input tokens seen.',
    );
  });

  it("says a learning rate's highest where it is above both ends: one that warms up, then decays", () => {
    const summary = chartSummary({
      title: 'Learning rate',
      xLabel: 'step',
      labels: ['learning rate'],
      xs: [10, 40, 60, 120],
      ys: [[0.00045, 0.001, 0.0008, 0.00045]],
    });
    expect(summary).toBe(
      'Learning rate: learning rate 0.00045 at step 10 to 0.00045 at step 120, highest 0.001 at step 40.',
    );
    /** A chart of one line at steps 1, 2 and 3. */
    const threeSteps = (title: string, label: string, ys: number[]) =>
      chartSummary({ title, xLabel: 'step', labels: [label], xs: [1, 2, 3], ys: [ys] });
    // Rising to its end (a warm-up, then constant): the last is the highest, said once.
    expect(threeSteps('Learning rate', 'learning rate', [0.0001, 0.001, 0.001])).toBe(
      'Learning rate: learning rate 0.0001 at step 1 to 0.001 at step 3.',
    );
    // Only a learning rate's: a throughput's fastest step says little of the run.
    expect(threeSteps('Throughput', 'tokens/s', [900, 1500, 1200])).toBe(
      'Throughput: tokens/s 900 at step 1 to 1,200 at step 3.',
    );
  });

  it("says a series with one point once, one with none as having none, and a loss chart's lowest of each", () => {
    // The comparison's labels ("<run> training") do not say "loss"; its title does.
    const summary = chartSummary({
      ...comparison,
      ys: [
        [5, 4],
        [null, 4.5],
        [null, undefined],
      ],
    });
    expect(summary).toBe(
      'Loss: a training 5 at step 1 to 4 at step 2, lowest 4 at step 2; a validation 4.5 at step 2; ' +
        'b training: no points yet.',
    );
  });

  it('leaves the lines hidden in the legend out and names them; says so when every line is hidden', () => {
    const chart = {
      ...comparison,
      ys: [
        [3, 2],
        [null, 2.5],
        [4, 1],
      ],
    };
    expect(chartSummary({ ...chart, hidden: new Set([1]) })).toBe(
      'Loss: a training 3 at step 1 to 2 at step 2, lowest 2 at step 2; b training 4 at step 1 to 1 at step 2, ' +
        'lowest 1 at step 2. Hidden: a validation.',
    );
    expect(chartSummary({ ...chart, hidden: new Set([0, 1, 2]) })).toBe(
      'Loss: every line hidden (a training, a validation, b training).',
    );
    expect(chartSummary({ ...chart, xs: [], ys: [[], [], []], hidden: new Set([2]) })).toBe('Loss: no points yet.');
  });

  it('says an empty chart has no points yet', () => {
    expect(chartSummary({ title: 'Throughput', xLabel: 'step', labels: ['tokens/s'], xs: [], ys: [[]] })).toBe(
      'Throughput: no points yet.',
    );
  });

  it('reads numbers short: three digits, whole and grouped from a thousand', () => {
    expect([6.643430709838867, 0.00030001, 21991.63, 1500.4, 12.5, 0].map(spokenNumber)).toEqual([
      '6.64',
      '0.0003',
      '21,992',
      '1,500',
      '12.5',
      '0',
    ]);
  });
});

describe('windowSummary', () => {
  /** A loss chart over steps 1–6: training at each step, validation at steps 3 and 6. */
  const loss = {
    title: 'Loss',
    xLabel: 'step',
    labels: ['training loss', 'validation loss'],
    xs: [1, 2, 3, 4, 5, 6],
    ys: [
      [6.5, 4.25, 3.5, 2.75, 3, 2.5],
      [null, null, 4, null, null, 3.25],
    ],
  };

  it('says the steps in view and each line within them, in the words of the whole chart', () => {
    // A zoomed range falls between steps: the first and last steps inside it are said.
    expect(windowSummary(loss, { min: 3.5, max: 5.25 })).toBe(
      'Steps 4–5: training loss 2.75 at step 4 to 3 at step 5, lowest 2.75 at step 4; validation loss: no points in view.',
    );
    expect(windowSummary(loss, { min: 2, max: 6 })).toBe(
      'Steps 2–6: training loss 4.25 at step 2 to 2.5 at step 6, lowest 2.5 at step 6; ' +
        'validation loss 4 at step 3 to 3.25 at step 6, lowest 3.25 at step 6.',
    );
  });

  it('says when every step is in view, the lines hidden, and a range with no point in it', () => {
    expect(windowSummary({ ...loss, hidden: new Set([1]) }, { min: 1, max: 6 })).toBe(
      'All steps, 1–6: training loss 6.5 at step 1 to 2.5 at step 6, lowest 2.5 at step 6. Hidden: validation loss.',
    );
    expect(windowSummary(loss, { min: 2.25, max: 2.75 })).toBe('Steps 2.25–2.75: no points in view.');
  });

  it('puts a phrase of an x axis after its numbers', () => {
    const chart = {
      title: 'Learning rate',
      xLabel: 'input tokens seen',
      labels: ['learning rate'],
      xs: [4096, 8192, 12288, 16384],
      ys: [[0.001, 0.0005, 0.0001, 0.00005]],
    };
    expect(windowSummary(chart, { min: 8000, max: 13000 })).toBe(
      '8,192–12,288 input tokens seen: learning rate 0.0005 at 8,192 input tokens seen to 0.0001 at 12,288 input tokens seen.',
    );
  });
});
