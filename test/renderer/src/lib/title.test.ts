// The window title names the screen, and the training progress first while a run trains.

import { describe, expect, it } from 'vitest';
import { windowTitle } from '../../../../src/renderer/src/lib/title';

describe('windowTitle', () => {
  it('names the screen', () => {
    expect(windowTitle('Datasets')).toBe('Datasets — Spanfill');
  });

  it('puts a training run’s whole percent first, never past 100', () => {
    expect(windowTitle('Train', { step: 427, totalSteps: 1000 })).toBe('42 % trained · Train — Spanfill');
    expect(windowTitle('Runs', { step: 0, totalSteps: 200 })).toBe('0 % trained · Runs — Spanfill');
    expect(windowTitle('Runs', { step: 210, totalSteps: 200 })).toBe('100 % trained · Runs — Spanfill');
    expect(windowTitle('Runs', { step: 0, totalSteps: 0 })).toBe('Runs — Spanfill');
  });
});
