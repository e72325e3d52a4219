// The op builders in one namespace: `import * as op from '../onnx/ops'`.
export * from './elementwise';
export * from './shape';
export * from './nn';
export * from './control';
export type { TensorLike } from './util';
export { scalar, int64s, shapeStr } from './util';
