// The ONNX layer: graph builder, op builders, serialization and the session adapter.
export * from './graph';
export * from './dtype';
export { serializeModel, OPSET_VERSION } from './serialize';
export * as op from './ops';
