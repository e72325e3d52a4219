// The shared assertion of the FD tests: every gradient exists, matches central differences,
// and every rule on the path is shown to matter (a 1.5× error in it fails the check).
import { expect } from 'vitest';
import type { FdCase } from './fd';
import { checkGradients, FD_TOLERANCE } from './fd';

export async function expectGradientsMatch(c: FdCase): Promise<void> {
  const r = await checkGradients(c);
  r.analytic.forEach((a) => expect(a).not.toBeNull());
  expect(r.maxError).toBeLessThan(FD_TOLERANCE);
  expect(r.mutations.length).toBeGreaterThan(0);
  if (process.env.FD_DEBUG)
    console.log(r.mutations.map((m) => `${m.opType}#${m.input}:${m.maxError.toExponential(1)}`).join(' '));
  for (const m of r.mutations) {
    expect(m.maxError, `a wrong ${m.opType} rule (input ${m.input}) must fail the check`).toBeGreaterThan(
      100 * FD_TOLERANCE,
    );
  }
}
