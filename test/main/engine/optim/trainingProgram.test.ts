// setState()'s checks (trainingProgram.ts checkedState): a state that does not fit the program
// (a slot missing, a step out of range) is a TrainingStateError whose message begins with
// SET_STATE_ERROR_PREFIX, the words the runs service knows it by across the engine host.
import { describe, expect, it } from 'vitest';
import type { StateEntry } from '../../../../src/main/engine/optim/fused';
import {
  checkedState,
  SET_STATE_ERROR_PREFIX,
  TrainingStateError,
} from '../../../../src/main/engine/optim/trainingProgram';

const named: StateEntry[] = [
  { name: 'w', dtype: 'float32', shape: [2], role: 'param' },
  { name: 'opt.m/w', dtype: 'float32', shape: [2], role: 'optimizer' },
  { name: 'step', dtype: 'int64', shape: [], role: 'step' },
];
const w = { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } as const;

describe('checkedState', () => {
  it('refuses a state without an optimizer slot, or with a step out of range, as a TrainingStateError', () => {
    const refusal = (step: number, optimizer: Record<string, typeof w>): unknown => {
      try {
        checkedState(named, { step, params: { w }, optimizer });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const error of [refusal(3, {}), refusal(-1, { 'opt.m/w': w })]) {
      expect(error).toBeInstanceOf(TrainingStateError);
      expect((error as Error).message.startsWith(SET_STATE_ERROR_PREFIX)).toBe(true);
    }
    expect((refusal(3, {}) as Error).message).toContain("missing 'opt.m/w'");
    expect(refusal(3, { 'opt.m/w': w })).toBeUndefined();
  });
});
