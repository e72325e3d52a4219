// The registration module (autodiff/grads/index.ts): the op families line up across the
// builders (onnx/ops/), the gradient rules (autodiff/grads/) and these tests, each family's
// test file ends with its FD coverage check, the default registry holds exactly the
// families' entries, and each kind of "no gradient" behaves as declared.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import { defaultRegistry } from '../../../../../src/main/engine/autodiff/registry';
import { gradients } from '../../../../../src/main/engine/autodiff/gradients';
import { GRADIENT_FAMILIES } from '../../../../../src/main/engine/autodiff/grads/index';
import { elementwiseGradients } from '../../../../../src/main/engine/autodiff/grads/elementwise';
import { expectGradientsMatch, unprovenRules } from '../expect';

const ROOT = join(__dirname, '../../../../..');
const names = GRADIENT_FAMILIES.map((f) => f.name).sort();

/** The family names in a folder: its `.ts` files (suffix stripped) less the non-family ones. */
function familiesIn(folder: string, suffix: string, notFamilies: readonly string[]): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .filter((f) => !notFamilies.includes(f))
    .sort();
}

/** A float64 node of `opType` on the path from x to the loss. */
function gradientThrough(opType: string): () => unknown {
  const g = new Graph('t');
  const x = g.input('x', 'float64', [3]);
  const [y] = g.addNode(opType, [x], [{ dtype: 'float64', shape: [3] }]);
  return () => gradients(op.reduceSum(y, null), [x]);
}

describe('gradient families', () => {
  it('line up across onnx/ops/, autodiff/grads/ and test/.../autodiff/grads/', () => {
    expect(familiesIn('src/main/engine/onnx/ops', '.ts', ['index', 'util'])).toEqual(names);
    expect(familiesIn('src/main/engine/autodiff/grads', '.ts', ['index'])).toEqual(names);
    expect(familiesIn('test/main/engine/autodiff/grads', '.test.ts', ['index'])).toEqual(names);
  });

  it("each family's test file runs under describeGradientFamily, which ends with the FD coverage check", () => {
    for (const name of names) {
      const text = readFileSync(join(ROOT, `test/main/engine/autodiff/grads/${name}.test.ts`), 'utf8');
      expect(text, `${name}.test.ts`).toContain(`describeGradientFamily(${name}Gradients, `);
    }
  });

  it('fill the default registry with exactly their entries', () => {
    const all = GRADIENT_FAMILIES.flatMap((f) => [
      ...Object.keys(f.rules),
      ...(f.noGradient ?? []),
      ...Object.keys(f.neverDifferentiate ?? {}),
    ]);
    expect(defaultRegistry.registered()).toEqual([...all].sort());
    expect(defaultRegistry.differentiable()).toEqual(GRADIENT_FAMILIES.flatMap((f) => Object.keys(f.rules)).sort());
  });

  it('noGradient ops (not differentiable by nature) stop the flow without error', () => {
    const ops = GRADIENT_FAMILIES.flatMap((f) => f.noGradient ?? []);
    expect(ops).toContain('Shape');
    for (const opType of ops) expect(gradientThrough(opType)(), opType).toEqual([null]);
  });

  it('neverDifferentiate ops throw when a gradient reaches them, naming op, node, reason and registered set', () => {
    const forbidden = GRADIENT_FAMILIES.flatMap((f) => Object.entries(f.neverDifferentiate ?? {}));
    expect(forbidden.map(([opType]) => opType).sort()).toEqual(['Loop', 'ReduceMax', 'ScatterND']);
    for (const [opType, reason] of forbidden) {
      expect(gradientThrough(opType)).toThrow(
        `Gradient reached op '${opType}' (node '${opType}_0'), which must never be differentiated: ${reason}; registered: ${defaultRegistry.registered().join(', ')}`,
      );
    }
  });

  it('the FD coverage check names a rule that no FD run in the file proved', async () => {
    // Only Tanh runs here, so of a family {Tanh, Exp} the check must report Exp.
    await expectGradientsMatch({ inputs: [{ name: 'x', shape: [2, 3] }], build: ([x]) => op.tanh(x) });
    const { Tanh, Exp } = elementwiseGradients.rules;
    expect(unprovenRules({ name: 'demo', rules: { Tanh, Exp } })).toEqual(['Exp']);
    expect(unprovenRules(elementwiseGradients)).toContain('Add');
  });
});
