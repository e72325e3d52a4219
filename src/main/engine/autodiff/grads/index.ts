// The registration module of the gradient rules: it lists every op family and fills
// `defaultRegistry` with them on import (gradients.ts imports it). Not a re-export barrel.
// To add a gradient rule: add `Op: rule` to its family's `rules` in grads/<family>.ts with the
// math in the rule's doc comment, and an FD case in test/main/engine/autodiff/grads/
// <family>.test.ts (that file's coverage check fails until the new rule has one). Ops that
// are not differentiable by nature go in `noGradient`; ops that must never lie on a gradient
// path go in `neverDifferentiate` with the reason. A new family also needs onnx/ops/<family>.ts.

import type { GradientFamily } from '../registry';
import { defaultRegistry } from '../registry';
import { controlGradients } from './control';
import { elementwiseGradients } from './elementwise';
import { matmulGradients } from './matmul';
import { nnGradients } from './nn';
import { reduceGradients } from './reduce';
import { shapeGradients } from './shape';

export const GRADIENT_FAMILIES: readonly GradientFamily[] = [
  elementwiseGradients,
  matmulGradients,
  reduceGradients,
  shapeGradients,
  nnGradients,
  controlGradients,
];

for (const family of GRADIENT_FAMILIES) defaultRegistry.registerFamily(family);
