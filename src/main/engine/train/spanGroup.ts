// How many examples the span exact-match of an evaluation decodes at once (evaluate.ts); kept
// apart from evaluate.ts so the run's memory estimate (services/runsMemory.ts) can count it
// without loading onnxruntime.

/**
 * Examples the span exact-match decodes together (greedy: each prompt decodes to the same ids
 * alone or among others). The encoder's activations and every decoder layer's cross-attention
 * keys and values grow with the group; in groups of 4 rather than all 16 at once, t5-small at
 * 512/114 decodes in ~430 MiB less, a little slower (42 and 77 s against 30 and 71 s on a
 * loaded 2-core machine; at 128/29 and for byt5-tiny within the noise; bench/MEASUREMENTS.md,
 * 2026-12-06).
 */
export const SPAN_GROUP = 4;

/** Validation examples an evaluation covers at most, by default (TrainerSettings.evalExamples). */
export const EVAL_EXAMPLES = 256;

/** Validation examples the span exact-match decodes, by default (TrainerSettings.spanSample). */
export const SPAN_SAMPLE = 16;
