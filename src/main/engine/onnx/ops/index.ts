// The `op` namespace: every op builder family in one object, used as `op.matmul(a, b)` after
// `import * as op from '../onnx/ops'`. Not a re-export barrel to bypass (the team deletes
// those): it is the one place the namespace is defined, so call sites read as ONNX ops.
// One file per family, matching autodiff/grads/ and the gradient tests.
export * from './elementwise';
export * from './matmul';
export * from './reduce';
export * from './shape';
export * from './nn';
export * from './control';
export type { TensorLike } from './util';
export { scalar, int64s, shapeStr } from './util';
