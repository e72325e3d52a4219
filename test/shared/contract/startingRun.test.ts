// The starting run the token estimates assume is where the Train form opens: the Datasets
// screen (startingMasking) and `spanfill datasets show --model` (the service's default) agree.

import { describe, expect, it } from 'vitest';
import { STARTING_INPUT_LENGTH, STARTING_PRESET } from '../../../src/shared/contract/startingRun';
import { initialForm, startingMasking } from '../../../src/renderer/src/lib/trainForm';

describe('startingRun', () => {
  it('is the quick preset, 64-token inputs, where a new Train form opens', () => {
    expect([STARTING_PRESET, STARTING_INPUT_LENGTH]).toEqual(['quick', 64]);
    expect(initialForm(undefined).preset).toBe(STARTING_PRESET);
    expect(startingMasking().inputLength).toBe(STARTING_INPUT_LENGTH);
  });
});
