// The shared assertion of the FD tests: every gradient exists, matches central differences,
// and every rule on the path is shown to matter (a 1.5× error in it fails the check). Each
// rule of the default registry that passed that mutation check is recorded for this test
// file (vitest gives each file its own module graph), and `describeGradientFamily` ends a family's tests with a check that every
// rule of the family was proven so: the FD coverage is what the runs did, not a typed list.
import { describe, expect, it } from 'vitest';
import type { GradientFamily } from '../../../../src/main/engine/autodiff/registry';
import type { FdCase, FdResult } from './fd';
import { checkGradients, FD_TOLERANCE } from './fd';

export interface FdExpectation {
  /** Largest FD error allowed (default FD_TOLERANCE, for graphs in float64 throughout). */
  readonly tolerance?: number;
  /** Smallest FD error a rule off by 1.5× must cause (default 100·FD_TOLERANCE). */
  readonly wrongRuleError?: number;
}

/** Op types whose default rule failed its 1.5× mutation check in this file's FD runs. */
const provenRules = new Set<string>();

export async function expectGradientsMatch(c: FdCase, expectation: FdExpectation = {}): Promise<FdResult> {
  const r = await checkGradients(c);
  r.analytic.forEach((a) => expect(a).not.toBeNull());
  expect(r.maxError).toBeLessThan(expectation.tolerance ?? FD_TOLERANCE);
  expect(r.mutations.length).toBeGreaterThan(0);
  if (process.env.FD_DEBUG)
    console.log(r.mutations.map((m) => `${m.opType}#${m.input}:${m.maxError.toExponential(1)}`).join(' '));
  for (const m of r.mutations) {
    expect(m.maxError, `a wrong ${m.opType} rule (input ${m.input}) must fail the check`).toBeGreaterThan(
      expectation.wrongRuleError ?? 100 * FD_TOLERANCE,
    );
  }
  // Only the default rules count: a test's own registry proves nothing about them.
  if (!c.registry) r.mutations.forEach((m) => provenRules.add(m.opType));
  return r;
}

/** The family's rules that no FD run of this test file proved (sorted; empty when covered). */
export function unprovenRules(family: GradientFamily): string[] {
  return Object.keys(family.rules)
    .filter((opType) => !provenRules.has(opType))
    .sort();
}

/**
 * A describe block for one op family's gradient tests, ending with the coverage check: every
 * rule the family registers must have passed `expectGradientsMatch` (with its mutation check)
 * in the tests above. Vitest runs a file's tests in order, so the check runs last.
 */
export function describeGradientFamily(family: GradientFamily, tests: () => void): void {
  describe(`${family.name} gradients`, () => {
    tests();
    it(`every rule of the ${family.name} family passed an FD check with a mutation check`, () => {
      expect(unprovenRules(family), `rules of grads/${family.name}.ts without an FD test`).toEqual([]);
    });
  });
}
