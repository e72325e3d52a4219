// Control flow and gradients: a Loop node must never be differentiated. The walker does not
// differentiate through a Loop (that would need the body's gradient, unrolled per
// iteration); instead a loss built inside the body is differentiated there, with tensors of
// enclosing graphs treated as constants (optim/accumulate.ts and optim/fused.ts do this).
// Builders: onnx/ops/control.ts. Reference: ONNX Operators.md#Loop.

import type { GradientFamily } from '../registry';

export const controlGradients: GradientFamily = {
  name: 'control',
  rules: {},
  neverDifferentiate: {
    Loop: 'take gradients inside the Loop body instead (gradients() on a loss built in the body, as optim/accumulate.ts does)',
  },
};
