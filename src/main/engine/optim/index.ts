// The optimizer layer: AdamW, Adafactor, clipping and schedules as graph builders, and the
// fused K-step training program built from them.
export * from './adamw';
export * from './adafactor';
export * from './clip';
export * from './schedule';
export * from './optimizer';
export * from './fused';
export * from './program';
export type { BatchInput } from './validate';
