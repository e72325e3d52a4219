// Which engine errors are caused by what the person passed (a model folder, a config, a case
// file, a prompt, a data file) rather than a bug. Services and host handlers turn these into
// the contract's invalid_input with the engine's own message. Matched by name, because errors
// cross the host's process boundary as plain objects.

const INPUT_ERROR_NAMES = new Set([
  'T5ConfigError',
  'T5WeightsError',
  'SafetensorsError',
  'CaseFileError',
  'ScoreInputError',
  'GenerationError',
  'T5InferenceSizeError',
  'DataError',
  'PromptError',
  'InputLengthError',
]);

/** True for errors caused by what the person passed (folder, config, case, options), not a bug. */
export function isModelInputError(error: unknown): error is Error {
  return error instanceof Error && INPUT_ERROR_NAMES.has(error.name);
}
