// Public surface of engine/data for services, the trainer and the CLI. Pure TypeScript:
// imports neither electron nor the store. See each module for its references.
export { DataError, type DataErrorCode } from './errors';
export {
  importDocuments,
  type DocumentSink,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  type ImportedDocument,
} from './import';
export { resolveSources, FOLDER_EXTENSIONS, type SourceFile, type SourceFormat } from './sources';
export { SPLIT_MODES, type SplitMode } from './documents';
export {
  readSplitFile,
  splitDocuments,
  writeSplitFile,
  DEFAULT_VALIDATION_FRACTION,
  type DatasetSplit,
  type StoredSplit,
} from './split';
export { createByteTokenizer, encodeForTraining, loadHfTokenizer, type TextTokenizer } from './tokenizer';
export {
  openTokenCache,
  removeStaleTokenCacheTemps,
  tokenCacheFingerprint,
  writeTokenCache,
  TokenCache,
  TokenCacheWriter,
  type TokenCacheOpenResult,
  type TokenCacheWriteResult,
} from './tokenCache';
export { InMemoryTokenSource, complementIndices, subsetTokenSource, type TokenSource } from './tokenSource';
export { computeInputAndTargetLengths, type SpanLengths } from './lengths';
export { fitSpanLengths, randomSpansNoiseMask, applyNoiseMask, type FittedSpanLengths } from './spanCorruption';
export {
  DEFAULT_SPAN_CORRUPTION,
  epochOrder,
  maskedExample,
  planExamples,
  type ExamplePlan,
  type MaskingMode,
  type MaskingTokenizer,
  type SpanCorruptionSettings,
} from './examples';
export { collateBatch, epochBatches, makeBatch, DECODER_START_ID, LABEL_IGNORE_INDEX, type T5Batch } from './batches';
export { previewExample, previewText, type MaskingPreview, type PreviewSegment, type PreviewSettings } from './preview';
export { estimateExamples, tokenStats, type ExampleEstimate, type TokenStats } from './stats';
export { benchImport, type BenchImportOptions, type BenchImportResult } from './bench';
export { Rng } from '../rng';
export { prepareTrainingData, VALIDATION_EPOCH, type ExampleSet, type TrainingData } from './trainingData';
