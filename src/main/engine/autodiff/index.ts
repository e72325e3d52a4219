// Reverse-mode autodiff over the ONNX graph builder: `gradients(loss, wrt)` and the rule
// registry. See gradients.ts (the walker) and grads/ (rules, one file per op family).
export { gradients } from './gradients';
export type { GradientOptions } from './gradients';
export { GradientRegistry, defaultRegistry, registerGradient, noGradient, isScatterAdd } from './registry';
export type { GradContext, GradientRule, GradientValue, ScatterAddGradient } from './registry';
export { sumToShape } from './helpers';
