// Reverse-mode autodiff over the ONNX graph builder. `gradients(loss, wrt)` appends the
// backward nodes to the loss's graph (a Loop body too) and returns one gradient per wrt
// tensor, null where the loss does not depend on it. Rules: grads/ (one file per op family),
// registered in `defaultRegistry`; to add one, `registerGradient('Op', (ctx) => [dX, ...])`
// with the math in its doc comment, and an FD test in test/main/engine/autodiff.
export { gradients } from './gradients';
export type { GradientOptions } from './gradients';
export { GradientRegistry, defaultRegistry, registerGradient, noGradient, isScatterAdd } from './registry';
export type { GradContext, GradientRule, GradientValue, ScatterAddGradient } from './registry';
export { sumToShape } from './helpers';
