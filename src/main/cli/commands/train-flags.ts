// `spanfill train`'s run-configuration flags: one per field of the run configuration
// (src/shared/contract/runs.ts) and per setting of its optimizers (optimizer.clipThreshold:
// --clip-threshold) in kebab case, each with a line of help whose default, choices, preset
// values and optimizers are read from the contract's schema and presets (so the help cannot
// drift from what a run gets), and the configuration the given flags describe.

import { z } from 'zod';
import { contractMessages, renameFields } from '../../../shared/contract/issues';
import { MASKING_BOUNDS } from '../../../shared/contract/masking';
import type { RunConfigInput, RunRequestInput } from '../../../shared/contract/runs';
import { optimizerSchema, RUN_PRESETS, runCalls, runConfigSchema, runPresets } from '../../../shared/contract/runs';
import { describeIssues } from '../../services/dispatch';
import type { CommandContext, OptionSpec } from '../command';
import { UsageError } from '../command';
import { numberOption, numberText, oneOf } from '../options';
import { optionalNumber } from './train-case';

type Field = keyof RunConfigInput;

/** Fields read as numbers: what each means, and its placeholder (N: a whole number). */
const NUMBER_FIELDS: Partial<Record<Field, readonly [placeholder: string, meaning: string]>> = {
  inputLength: ['N', 'Tokens in each training input, sentinels included'],
  noiseDensity: [
    'X',
    `Share of the tokens masked, from ${MASKING_BOUNDS.noiseDensity.min} to ${MASKING_BOUNDS.noiseDensity.max}`,
  ],
  meanSpanLength: ['X', 'Mean length of a masked span, in tokens'],
  dataSeed: ['N', 'Seed of the span masks and the shuffle'],
  batchSize: ['N', 'Examples per micro-batch; a step takes batch × accumulation'],
  accumulation: ['N', 'Micro-batches per step: one loss and gradient over all their labelled tokens, as one batch'],
  stepsPerCall: ['N', 'Optimizer steps per engine call; the step count and intervals must be multiples of it'],
  lr: ['X', 'Peak learning rate'],
  warmupSteps: ['N', 'Steps of linear warm-up to the peak rate'],
  weightDecay: ['X', 'Decoupled weight decay (AdamW and Adafactor), none on norms and bias tables'],
  maxSteps: ['N', 'Optimizer steps to train, or --epochs'],
  epochs: ['X', 'Passes over the training examples, or --max-steps'],
  evalEvery: [
    'N',
    'Validate every N steps and at the end; 0: at the end only; a multiple or divisor of --checkpoint-every',
  ],
  checkpointEvery: ['N', 'Save a checkpoint every N steps and at the end; 0: at the end only'],
  keepLast: ['N', 'The last N checkpoints are kept, and the best'],
  seed: ['N', 'Seed of the dropout and of random weights'],
  threads: ['N', 'onnxruntime CPU threads; 0: one per core'],
};

/** Fields read as text; a choice field's choices come from its schema. */
const TEXT_FIELDS: Partial<Record<Field, readonly [placeholder: string, meaning: string]>> = {
  masking: ['MODE', 'Documents joined and cut into inputs, or each masked alone'],
  mask: ['MODE', 'New masks each pass, or the same masks every pass'],
  schedule: ['NAME', 'Learning-rate schedule after the warm-up'],
  provider: ['NAME', 'Where the run trains'],
  name: [
    'TEXT',
    'The run name; without it "MODEL on DATASET", numbered " (2)", " (3)", … where another run has that name',
  ],
};

/**
 * --provider's word for the saved setting auto's choice, for this run (train.ts picks it): the
 * configuration stores the provider taken, so the contract's choices do not hold it.
 */
export const AUTO_PROVIDER = 'auto';

/** Fields a run takes from the saved settings (the Settings screen) when not given. */
const FROM_SETTINGS: ReadonlySet<Field> = new Set(['provider', 'threads']);

/** The optimizers the contract takes, by their kind. */
const OPTIMIZER_KINDS = optimizerSchema.options.map((option) => option.shape.kind.value);
type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];
const OPTIMIZER_NAMES: Readonly<Record<OptimizerKind, string>> = { adamw: 'AdamW', adafactor: 'Adafactor' };

/** Every key of every member of a union (keyof a union holds only the keys all members share). */
type KeyOfAny<T> = T extends unknown ? keyof T : never;
type OptimizerSetting = Exclude<KeyOfAny<z.input<typeof optimizerSchema>>, 'kind'>;

/**
 * The settings of the optimizers (the run configuration's optimizer.beta1, …): placeholder and
 * meaning. Typed by the contract, so a setting added there without a flag here fails to compile.
 */
const OPTIMIZER_SETTINGS: Readonly<Record<OptimizerSetting, readonly [placeholder: string, meaning: string]>> = {
  beta1: ['B', 'beta1'],
  beta2: ['B', 'beta2'],
  eps: ['E', 'epsilon'],
  clipThreshold: ['X', 'update clipping threshold: an update whose RMS is over X is scaled down to X'],
  decayRate: [
    'X',
    'second-moment decay rate, below 0, so joined with = (--decay-rate=-0.8): the running average weighs the past by 1 − step^X',
  ],
  scaleParameter: ['true|false', "parameter scaling: true scales each update by its parameter's RMS"],
};

/** The optimizers whose settings include `setting`. */
const optimizersTaking = (setting: OptimizerSetting): OptimizerKind[] =>
  optimizerSchema.options.filter((option) => setting in option.shape).map((option) => option.shape.kind.value);

/** Whether the contract takes `setting` as true or false (a number otherwise). */
function isBooleanSetting(setting: OptimizerSetting): boolean {
  const option = optimizerSchema.options.find((o) => setting in o.shape);
  const schema = option?.shape[setting as keyof typeof option.shape] as z.ZodType | undefined;
  return (schema instanceof z.ZodOptional ? schema.unwrap() : schema) instanceof z.ZodBoolean;
}

/** --beta1, --clip-threshold, …: one flag per optimizer setting, its help naming the optimizers that take it. */
export function optimizerOptions(): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const [setting, [placeholder, meaning]] of Object.entries(OPTIMIZER_SETTINGS)) {
    const owners = orList(optimizersTaking(setting as OptimizerSetting).map((kind) => `${OPTIMIZER_NAMES[kind]}'s`));
    out[flagOf(setting)] = { type: 'string', placeholder, description: `${owners} ${meaning} (default: the engine's)` };
  }
  return out;
}

/** Fields whose flag is not their kebab-case name. */
const FLAG_OF: Readonly<Record<string, string>> = { memoryBudgetMiB: 'memory-budget', datasetId: 'dataset' };

/** The flag of a run configuration field: --input-length for inputLength. */
export const flagOf = (field: string): string =>
  FLAG_OF[field] ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** "constant, linear, cosine or inverseSqrt". */
const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** What the schema fills in for a field left out (undefined: nothing), and its choices if it has any. */
function schemaFacts(field: Field): { fallback: unknown; choices: readonly string[] | null } {
  const schema = runConfigSchema.shape[field];
  const parsed = schema.safeParse(undefined);
  const inner = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
  return {
    fallback: parsed.success ? parsed.data : undefined,
    choices: inner instanceof z.ZodEnum ? (inner.options as string[]) : null,
  };
}

/** A field's help line: its meaning, its choices, its default, and each preset's value where one sets it. */
function describeField(field: Field, meaning: string): string {
  const { fallback, choices } = schemaFacts(field);
  const words = choices && field === 'provider' ? [AUTO_PROVIDER, ...choices] : choices;
  const text = words ? `${meaning}: ${orList(words)}` : meaning;
  if (FROM_SETTINGS.has(field)) return `${text} (default: the saved settings)`;
  const presets = RUN_PRESETS.filter((p) => ![undefined, fallback].includes(runPresets[p][field])).map(
    (p) => `${p} ${String(runPresets[p][field])}`,
  );
  const facts = [
    ...(fallback === undefined ? [] : [`default ${String(fallback)}`]),
    ...(presets.length > 0 ? [`presets: ${presets.join(', ')}`] : []),
  ];
  return facts.length === 0 ? text : `${text} (${facts.join('; ')})`;
}

/** --clip-norm: a number, or off (null in the contract), which no table above reads. */
export function clipNormOption(): OptionSpec {
  const meaning = 'Clip the gradients to this global norm, or off for no clipping';
  return { type: 'string', placeholder: 'N|off', description: describeField('clipNorm', meaning) };
}

/** The run configuration flags, in the order of the tables above. */
export function fieldOptions(): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const [field, [placeholder, meaning]] of Object.entries({ ...NUMBER_FIELDS, ...TEXT_FIELDS }))
    out[flagOf(field)] = { type: 'string', placeholder, description: describeField(field as Field, meaning) };
  return out;
}

/** A field's number schema, through its default and optional wrappers. */
function numberSchemaOf(field: Field): z.ZodNumber {
  let schema: z.ZodType = runConfigSchema.shape[field];
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  if (!(schema instanceof z.ZodNumber)) throw new Error(`run configuration field ${field} is not a number`);
  return schema;
}

/**
 * A number field's flag. One the contract takes as an integer is read as digits only, as every
 * command reads a whole number (not 1e3, 2.0 or 0x10), and refused in their words with the
 * contract's range; a value in that form but out of range is the contract's to refuse, with its hints.
 */
function fieldNumber(context: CommandContext, field: Field): number | undefined {
  const flag = flagOf(field);
  const raw = context.string(flag);
  const schema = numberSchemaOf(field);
  if (raw === undefined || !schema.isInt) return numberOption(flag, raw);
  const range = { min: schema.minValue ?? -Infinity, max: schema.maxValue ?? Infinity };
  // numberOption refuses what numberText does not read as a whole number.
  return numberText(raw, true) ?? numberOption(flag, raw, { isWhole: true, range });
}

/** --clip-norm N|off, --dropout P|model: a number, or the word that means null in the contract. */
function numberOrWord(context: CommandContext, flag: string, word: string): number | null | undefined {
  const raw = context.string(flag);
  if (raw === undefined) return undefined;
  if (raw === word) return null;
  const value = numberText(raw);
  if (value === undefined) throw new UsageError(`--${flag} must be a number or ${word}, got '${raw}'`);
  return value;
}

/** The run configuration the flags describe (unchecked; the contract's schema checks it). */
export function configFromFlags(context: CommandContext): RunRequestInput {
  const config: Record<string, unknown> = {};
  for (const field of [...Object.keys(NUMBER_FIELDS), 'memoryBudgetMiB'] as Field[])
    config[field] = fieldNumber(context, field);
  for (const field of Object.keys(TEXT_FIELDS)) config[field] = context.string(flagOf(field));
  config.optimizer = optimizerFromFlags(context);
  config.clipNorm = numberOrWord(context, 'clip-norm', 'off');
  config.dropout = numberOrWord(context, 'dropout', 'model');
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
  return config as RunRequestInput;
}

/**
 * --optimizer with its settings (--beta1, --clip-threshold, …); AdamW when only settings are
 * given. A setting the chosen optimizer does not take is refused, naming the one that does.
 */
function optimizerFromFlags(context: CommandContext): Record<string, unknown> | undefined {
  const kind = context.string('optimizer');
  const settings = (Object.keys(OPTIMIZER_SETTINGS) as OptimizerSetting[])
    .map((setting) => [setting, settingFromFlag(context, setting)] as const)
    .filter(([, value]) => value !== undefined);
  if (kind === undefined && settings.length === 0) return undefined;
  const chosen = kind === undefined ? 'adamw' : oneOf('--optimizer', kind, OPTIMIZER_KINDS);
  const notItsOwn = settings.find(([setting]) => !optimizersTaking(setting).includes(chosen));
  if (notItsOwn) {
    const owners = optimizersTaking(notItsOwn[0]).join(' or ');
    throw new UsageError(`--${flagOf(notItsOwn[0])} applies to --optimizer ${owners}, not ${chosen}`);
  }
  return { kind: chosen, ...Object.fromEntries(settings) };
}

function settingFromFlag(context: CommandContext, setting: OptimizerSetting): number | boolean | undefined {
  const flag = flagOf(setting);
  if (!isBooleanSetting(setting)) return optionalNumber(context, flag);
  const raw = context.string(flag);
  return raw === undefined ? undefined : oneOf(`--${flag}`, raw, ['true', 'false']) === 'true';
}

/** Checks a configuration with the contract's schema; a bad field is named by its flag. */
export function parseRunFlags(input: RunRequestInput) {
  const parsed = runCalls.start.args.safeParse({ config: input }, { error: contractMessages });
  if (parsed.success) return parsed.data.config;
  const issue = parsed.error.issues[0];
  // An optimizer's setting (config.optimizer.beta1) is named by its own flag (--beta1).
  const isSetting = issue.path[1] === 'optimizer' && typeof issue.path[2] === 'string';
  const field = isSetting ? issue.path[2] : issue.path[1];
  if (issue.code === 'unrecognized_keys' || typeof field !== 'string')
    throw new UsageError(describeIssues('train', parsed.error.issues));
  // The contract turns clipping off with null; the flag does it with the word off.
  if (field === 'clipNorm' && issue.code !== 'invalid_type')
    throw new UsageError('--clip-norm must be > 0, or off for no clipping');
  throw new UsageError(flagMessage(field, issue.message));
}

/** The contract's message of a field's value, said of its flag. */
function flagMessage(field: string, issueMessage: string): string {
  const message = issueMessage.replace(/^Invalid input: /, '');
  // "masking must be one of: …" reads "--masking must be one of: …"; other messages follow the flag.
  const named = message.startsWith(`${field} `) ? message.slice(field.length) : `: ${message}`;
  return `--${flagOf(field)}${named}`;
}

/**
 * One run setting's number flag read and checked alone, as train reads and checks it (digits
 * only for a whole number, the contract's bounds, in the flag's words): `spanfill runs resume
 * --keep-last`. Undefined when not given.
 */
export function settingFlag(context: CommandContext, field: Field): number | undefined {
  const value = fieldNumber(context, field);
  if (value === undefined) return undefined;
  const parsed = z
    .object({ [field]: runConfigSchema.shape[field] })
    .safeParse({ [field]: value }, { error: contractMessages });
  if (!parsed.success) throw new UsageError(flagMessage(field, parsed.error.issues[0].message));
  return value;
}

/**
 * The runs service's refusals in the CLI's words: a run setting it names as the schema does
 * ("maxSteps (205) must be a multiple of stepsPerCall (10)", "tokenizer: model … needs one")
 * is named by its flag instead (--max-steps, --steps-per-call, --tokenizer). The error keeps its
 * kind, so its exit code.
 */
export async function withFlagWords<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error) error.message = inFlagWords(error.message);
    throw error;
  }
}

/** Each camelCase run setting, and one that leads the message ("tokenizer: …"), as its flag. */
export function inFlagWords(message: string): string {
  const isField = (word: string): boolean => Object.hasOwn(runConfigSchema.shape, word);
  return renameFields(message, (word) => (isField(word) ? `--${flagOf(word)}` : undefined)).replace(
    /^([a-z]+): /,
    (lead, word: string) => (isField(word) ? `--${flagOf(word)}: ` : lead),
  );
}
