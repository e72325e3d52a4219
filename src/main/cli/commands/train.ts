// `spanfill train`: start a training run on a dataset (the runs service, in the engine host)
// with a live progress line on stderr, or train a model on a case file's fixed batch
// (`--case`, the engine's check against reference curves). Ctrl-C stops the run after its
// current call with a final checkpoint, saying so at once, and exits 130; `spanfill runs resume
// ID` continues it.
// Flags map one to one onto the run configuration (src/shared/contract/runs.ts).

import type { RunEstimate, RunRequestInput, RunSummary } from '../../../shared/contract/runs';
import { autoFallbackNote, defaultRunProvider, PROVIDER_NAMES, RUN_PRESETS } from '../../../shared/contract/runs';
import type { RunPresetName } from '../../../shared/contract/runs';
import type { CommandContext } from '../command';
import { defineCommand, InterruptedError, UsageError } from '../command';
import { datasetFlag } from '../ref-arg';
import { choiceOption } from '../options';
import { fullModelReference, resolveModelArgument } from '../model-arg';
import { formatDuration } from '../../../shared/format';
import { lossText } from '../output';
import { ApiError } from '../../../shared/errors';
import { failureCode } from '../../services/runsFailure';
import { noteUnreadableSettings } from './settings';
import { trainCase } from './train-case';
import {
  clipNormOption,
  configFromFlags,
  AUTO_PROVIDER,
  fieldOptions,
  flagOf,
  optimizerOptions,
  parseRunFlags,
  withFlagWords,
} from './train-flags';
import { estimateRun, renderEstimate } from './train-estimate';
import { isPresetModelName } from '../../../shared/contract/runs';
import { isBuiltinModelName } from '../../engine/t5/builtin';
import { T5_PRESET_NAMES } from '../../engine/t5/config';
import { threadsOverMachine } from '../../../shared/threads';
import { runLossWarning } from '../../../shared/lossTrend';
import { chosenDataDir } from '../nextCommand';
import { EXAMPLE_FILL_PROMPT, spanfillCommand } from '../../../shared/commandText';
import { lengthConsequences, type LengthSetting } from '../../../shared/contract/schedule';

function progressLine(event: {
  step: number;
  totalSteps: number;
  loss: number | null;
  tokensPerSecond: number;
  etaMs: number | null;
}) {
  const eta = event.etaMs === null ? '?' : formatDuration(event.etaMs);
  // null: the loss was not a number (the run diverged; its failure follows).
  return (
    `step ${event.step}/${event.totalSteps}  loss ${lossText(event.loss, 4)}  ` +
    `${Math.round(event.tokensPerSecond).toLocaleString('en-US')} tokens/s  ETA ${eta}`
  );
}

/** What followRun returns. */
export interface FollowedRun {
  readonly runId: string;
  readonly status: string;
  readonly step: number;
  readonly losses: readonly number[];
  readonly last?: Record<string, number>;
  /** What went wrong though it ended (runLossWarning: a training loss that rose over 2× where it started). */
  readonly warnings?: readonly string[];
  /** The data directory when --data-dir or SPANFILL_DATA_DIR chose it: the commands printed name it. */
  readonly dataDir?: string;
}

/** How the CLI takes a run's best checkpoint, after runLossWarning's "use that one". */
export const BEST_CHECKPOINT_FLAG = ' (`--checkpoint best`, what `fill --run` and `export --run` take by default)';

/** A followed run's end: its losses, and how to use what it made (fill, export) when it kept a checkpoint. */
export function renderFollowed(r: FollowedRun): string {
  const lines = [`run ${r.runId} ${r.status} at step ${r.step}`];
  if (r.losses.length > 0) lines.push(`loss ${r.losses[0].toFixed(4)} → ${r.losses[r.losses.length - 1].toFixed(4)}`);
  const evalLoss = r.last?.['eval.loss'];
  if (evalLoss !== undefined) lines.push(`validation loss ${evalLoss.toFixed(4)}`);
  for (const warning of r.warnings ?? []) lines.push(`warning: ${warning}`);
  if (r.status === 'completed' || r.status === 'stopped') {
    const fill = `fill --run ${r.runId} ${EXAMPLE_FILL_PROMPT}`;
    lines.push(`fill:   ${spanfillCommand(fill, r.dataDir)}`);
    lines.push(`export: ${spanfillCommand(`export --run ${r.runId} --format hf --out DIR`, r.dataDir)}`);
  }
  return lines.join('\n');
}

/** The options `train --case` reads; it refuses the others. */
export const CASE_FLAGS: readonly string[] = [
  'case',
  'model',
  'steps',
  'lr',
  'beta1',
  'beta2',
  'eps',
  'weight-decay',
  'seed',
];

/** A usage error for the first option given that `isRefused` names (otherwise it would be ignored). */
function refuseFlags(
  context: CommandContext,
  isRefused: (name: string) => boolean,
  message: (flag: string) => string,
): void {
  for (const [name, spec] of Object.entries(trainCommand.options)) {
    const isGiven = spec.type === 'boolean' ? context.flag(name) : context.string(name) !== undefined;
    if (isGiven && isRefused(name)) throw new UsageError(message(`--${name}`));
  }
}

/** What Ctrl-C left: the step, and whether `runs resume` continues from a checkpoint or starts over. */
function interruptedAt(run: RunSummary, hasCheckpoint: boolean, dataDir: string | undefined): string {
  const resume = `\`${spanfillCommand(`runs resume ${run.id}`, dataDir)}\``;
  return hasCheckpoint
    ? `stopped at step ${run.step} with a checkpoint; ${resume} continues it`
    : `stopped at step ${run.step}, before its first checkpoint; ${resume} starts it over`;
}

/** The run's steps per engine call; undefined where it cannot be read (said as one step). */
function stepsPerCallOf(context: CommandContext, runId: string): number | undefined {
  try {
    return context.app().runs.get(runId).config.stepsPerCall;
  } catch {
    return undefined; // NOTE: an 'abort' listener must not throw; the stop goes on all the same
  }
}

/**
 * What Ctrl-C does, said at once: the stop takes effect when the engine call in progress ends (a
 * step, or `stepsPerCall` of them), which on a slow machine can take minutes of silence; a
 * second Ctrl-C ends the process at once (cli/index.ts), the run keeping the checkpoints saved.
 */
function stoppingWords(runId: string, stepsPerCall: number | undefined, dataDir: string | undefined): string {
  const steps = stepsPerCall === undefined || stepsPerCall === 1 ? 'step' : `${stepsPerCall} steps`;
  return (
    `stopping run ${runId} at the end of the ${steps} it is training, with a checkpoint (a slow step can take ` +
    `minutes); Ctrl-C again stops at once without one, and \`${spanfillCommand(`runs resume ${runId}`, dataDir)}\` ` +
    'then continues from the last checkpoint saved before it (the beginning when there is none)'
  );
}

/**
 * The Train and Settings screens' note when the run is to take more CPU threads than the machine
 * has (--threads, else the saved settings'), on stderr: the run goes on, only slower.
 */
function noteThreadsOverMachine(context: CommandContext, threads: number | undefined): void {
  const { system } = context.app();
  const taken = threads ?? system.settings().cpuThreads;
  const note = threadsOverMachine(taken, system.cpuThreads());
  if (note === undefined) return;
  const source =
    threads === undefined
      ? `threads ${taken} (the saved settings, \`${spanfillCommand('settings', chosenDataDir(context))}\`)`
      : `--threads ${taken}`;
  context.status(`${source}: ${note}`, { force: true });
}

/**
 * --provider auto: the provider the saved setting auto would take for this run (the preset's where
 * it runs on a GPU here, else the CPU; runConfigSchema stores the provider taken, never auto),
 * saying on stderr when auto takes the CPU instead of the preset's. The probe runs only then.
 */
async function autoProvider(context: CommandContext, preset: RunPresetName | undefined) {
  const isProbed = defaultRunProvider('auto', preset) !== 'cpu';
  const providers = isProbed ? (await context.app().system.info()).providers : undefined;
  const note = autoFallbackNote('auto', preset, providers);
  if (note !== undefined) context.status(note, { force: true });
  return defaultRunProvider('auto', preset, providers);
}

/**
 * Settings the run takes that do less than they seem at its length, as the Train form notes them
 * under its boxes (shared/contract/schedule.ts lengthConsequences), named by their flags.
 */
function noteLongerThanRun(context: CommandContext, runId: string, steps: number): void {
  const { config } = context.app().runs.get(runId);
  const said = lengthConsequences({ ...config, optimizer: config.optimizer.kind }, steps);
  for (const [setting, consequence] of Object.entries(said) as [LengthSetting, string][])
    context.status(`--${flagOf(setting)} ${config[setting]} is more than the run's ${steps} steps: ${consequence}`, {
      force: true,
    });
}

/**
 * A failed run as the command's error: exit 4 when its engine host died, 3 when the data
 * directory's disk was full (the exit-code table), else 1.
 */
function runFailure(run: RunSummary): Error {
  const message = run.error ?? `run ${run.id} failed`;
  const code = failureCode(message);
  return code === undefined ? new Error(message) : new ApiError(code, message);
}

/** Follows a started run to its end, printing its notices and progress; Ctrl-C stops it with a checkpoint. */
export async function followRun(context: CommandContext, started: RunSummary & { notices?: readonly string[] }) {
  const notices = started.notices ?? [];
  const dataDir = chosenDataDir(context);
  for (const notice of notices) context.status(notice, { force: true });
  const app = context.app();
  const unsubscribe = app.events.subscribe((event, payload) => {
    if (event !== 'runs.progress') return;
    const progress = payload as Parameters<typeof progressLine>[0] & { runId: string };
    if (progress.runId === started.id) context.status(progressLine(progress));
  });
  const onAbort = (): void => {
    context.status(stoppingWords(started.id, stepsPerCallOf(context, started.id), dataDir), { force: true });
    void app.runs.stop(started.id).catch(() => undefined);
  };
  // NOTE: a Ctrl-C while the run was starting has aborted the signal already, and an aborted
  // signal fires no more 'abort' events: the run then trained to its end (a helper's probe).
  if (context.signal.aborted) onAbort();
  else context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const ended = await app.runs.wait(started.id);
    const losses = app.runs.metrics([ended.id], ['loss'])[ended.id].loss?.values ?? [];
    // A run that completed (or failed) before the stop took effect is reported as such below.
    if (context.signal.aborted && (ended.status === 'stopped' || ended.status === 'paused'))
      throw new InterruptedError(interruptedAt(ended, app.runs.checkpoints(ended.id).length > 0, dataDir));
    context.status(`${ended.status} at step ${ended.step}/${ended.totalSteps}`, { force: true });
    if (ended.status === 'failed') throw runFailure(ended);
    const detail = app.runs.get(ended.id);
    const warning = runLossWarning(detail, losses, BEST_CHECKPOINT_FLAG);
    return {
      runId: ended.id,
      status: ended.status,
      step: ended.step,
      provider: ended.provider,
      notices,
      losses,
      last: detail.last,
      warnings: warning === undefined ? [] : [warning],
      ...(dataDir === undefined ? {} : { dataDir }),
    };
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Fine-tune a T5 model on a dataset (or on a case file: --case)',
  usage:
    'spanfill train --dataset ID (--model DIR|ID | --model preset:NAME --tokenizer DIR|ID|bytes | --preset quick|standard) [--max-steps N | --epochs E] [options…]\n' +
    '       spanfill train --model DIR --case FILE --steps N [--lr LR] [--beta1 B] [--beta2 B] [--eps E] [--weight-decay W] [--seed N]',
  description:
    'Starts a run and follows it with a progress line on stderr (step, loss, tokens/s, ETA). Ctrl-C stops it ' +
    'after the current call with a final checkpoint (exit 130), saying so at once (a second Ctrl-C stops at once, ' +
    'without one); `spanfill runs resume ID` continues it. The ' +
    'command exits 0 when the run completes and also when it is paused or stopped from elsewhere (`spanfill ' +
    'runs pause|stop ID`, the app): the first line of its result on stdout ("run ID paused at step N"), or status in --json, says which; ' +
    'a run whose training loss ended over twice where it started (a mean of its last 10 steps against its first 10) ' +
    'says so in a warning line after its losses, with what to do, and in --json (warnings: empty when none); ' +
    'a run that fails exits non-zero with its error. Every ' +
    'option --some-field sets the run configuration field someField (src/shared/contract/runs.ts); --clip-norm off ' +
    "turns clipping off, --dropout model keeps the model config's rate. --preset quick (CPU) or standard (GPU) " +
    'sets lengths, batch, steps and intervals; flags override it; without --model it trains builtin:byt5-tiny from ' +
    'its initial weights. Without --provider or --threads a run takes the saved settings (the Settings screen): ' +
    "that provider, or under auto the preset's (quick: cpu, standard: webgpu where it runs on a GPU, else cpu, " +
    'saying why; cpu without a preset), and that many ' +
    'CPU threads (0: onnxruntime picks one per core); --provider auto picks as the setting auto does, whatever is saved. ' +
    '--model preset:NAME (a T5 shape such as t5-small) starts from random weights (from --seed) ' +
    "with --tokenizer's vocabulary: a model folder's tokenizer.json, a model id's, or bytes; the tokenizer needs <extra_id_N> sentinels. " +
    'A configuration the model, dataset or machine cannot take is refused before anything ' +
    'starts, naming the flag. A --batch-size whose estimated memory is over --memory-budget (default: the free ' +
    'memory less a margin) trains as smaller micro-batches with more accumulation, the same examples and objective per step, and ' +
    'says so; one that does not fit even as micro-batches of 1 is refused. ' +
    'One run trains at a time per data directory; a second is refused. With --estimate it prints what the run ' +
    'would cost (steps and passes, tokens, memory and the batch split, a time when known) and starts nothing; ' +
    '--time-steps also times a few steps and a validation pass of its shape now for the time.\n\n' +
    'With --case FILE, trains the model on the fixed batch of a case file (test/fixtures/t5/*/case.json) for ' +
    '--steps N steps (AdamW, constant rate, no dropout) and prints the loss before each update; nothing is stored.',
  options: {
    dataset: { type: 'string', placeholder: 'ID', description: 'Dataset id or name (`spanfill datasets`)' },
    model: {
      type: 'string',
      placeholder: 'DIR',
      description: `Base model: a folder, a model id, builtin:byt5-tiny, or preset:NAME (${T5_PRESET_NAMES.join(', ')}) from scratch with --tokenizer`,
    },
    tokenizer: {
      type: 'string',
      placeholder: 'DIR|ID|bytes',
      description: 'With --model preset:NAME: a model folder or model id whose tokenizer.json to use, or bytes',
    },
    preset: { type: 'string', placeholder: 'NAME', description: `Settings preset: ${RUN_PRESETS.join(', ')}` },
    optimizer: {
      type: 'string',
      placeholder: 'NAME',
      description: 'adamw (default) or adafactor (its own step sizes: --lr, --schedule, --warmup-steps do not apply)',
    },
    'clip-norm': clipNormOption(),
    dropout: { type: 'string', placeholder: 'P', description: "Dropout rate (default: the model's)" },
    ...fieldOptions(),
    'memory-budget': {
      type: 'string',
      placeholder: 'MIB',
      description:
        'Memory a step may use, in MiB (run configuration memoryBudgetMiB; default: free RAM, or free GPU memory ' +
        'by nvidia-smi, less a margin); a batch over it trains as micro-batches with accumulation, same examples per step',
    },
    estimate: {
      type: 'boolean',
      description: 'Print what the run would cost (steps, passes, memory, time when known) and start nothing',
    },
    'time-steps': {
      type: 'boolean',
      description:
        'With --estimate: time a few training steps and a validation pass of its shape now for the time (seconds to a minute)',
    },
    case: { type: 'string', placeholder: 'FILE', description: 'Case file: train on its fixed batch' },
    steps: { type: 'string', placeholder: 'N', description: 'Steps of case training' },
    ...optimizerOptions(),
  },
  async run(context) {
    if (context.string('case') !== undefined) {
      refuseFlags(
        context,
        (name) => !CASE_FLAGS.includes(name),
        (flag) =>
          `${flag} does not apply to --case training, which trains on the case file's fixed batch (it takes ${CASE_FLAGS.map((f) => `--${f}`).join(', ')})`,
      );
      return trainCase(context);
    }
    refuseFlags(
      context,
      (name) => name === 'steps',
      () => '--steps is for --case training; a run on a dataset takes --max-steps N',
    );
    const dataset = datasetFlag(context);
    if (!dataset) throw new UsageError('train needs --dataset ID (or --case FILE)');
    const preset = choiceOption('preset', context.string('preset'), RUN_PRESETS);
    const modelFlag = context.string('model');
    if (!modelFlag && !preset)
      throw new UsageError(
        'train needs --model DIR|ID or --preset NAME (--preset quick trains builtin:byt5-tiny: no download)',
      );
    const lengths = ['max-steps', 'epochs'].filter((flag) => context.string(flag) !== undefined);
    if (lengths.length === 2) throw new UsageError('--max-steps and --epochs both say how long to train: give one');
    if (lengths.length === 0 && !preset)
      throw new UsageError(
        'train needs --max-steps N or --epochs X (how long to train), or a --preset, which sets steps',
      );
    // A folder is stored absolute, so `runs resume` works from any directory. A preset shape and
    // a built-in model stay names (the service writes out a built-in one where the data
    // directory is, which may move), as --preset alone stores builtin:byt5-tiny.
    const model = !modelFlag
      ? 'builtin:byt5-tiny'
      : isPresetModelName(modelFlag) || isBuiltinModelName(modelFlag)
        ? modelFlag
        : resolveModelArgument(context, modelFlag);
    const tokenizer = context.string('tokenizer');
    // The preset goes to the runs service, which puts it under the flags and fills a provider
    // and threads left out from the saved settings (the Train screen's road too).
    const provider = choiceOption('provider', context.string('provider'), [AUTO_PROVIDER, ...PROVIDER_NAMES]);
    const input: RunRequestInput = {
      ...configFromFlags(context),
      ...(provider === AUTO_PROVIDER ? { provider: await autoProvider(context, preset) } : {}),
      model,
      ...(tokenizer === undefined ? {} : { tokenizer: fullModelReference(tokenizer) }),
      datasetId: dataset,
      ...(preset === undefined ? {} : { preset }),
    };
    const config = parseRunFlags(input);
    // The saved settings fill what the flags leave out: one that cannot be read is its default, said here.
    if (config.provider === undefined || config.threads === undefined) noteUnreadableSettings(context);
    noteThreadsOverMachine(context, config.threads);
    if (context.flag('estimate')) return withFlagWords(() => estimateRun(context, config));
    if (context.flag('time-steps')) throw new UsageError('--time-steps goes with --estimate');
    const started = await withFlagWords(() => context.app().runs.start(config, context.signal));
    context.status(`run ${started.id}: ${started.totalSteps} steps`, { force: true });
    noteLongerThanRun(context, started.id, started.totalSteps);
    // followRun prints the notices (a batch split to fit memory, memory not checked).
    return followRun(context, started);
  },
  render(result) {
    if (typeof result === 'object' && result !== null && 'estimate' in result)
      return renderEstimate((result as { estimate: RunEstimate }).estimate);
    const r = result as { runId: string | null; losses: number[] };
    if (r.runId === null)
      return `case training: ${r.losses.length} steps\nlosses ${r.losses.map((l) => l.toFixed(6)).join(' ')}`;
    return renderFollowed(result as FollowedRun);
  },
});
