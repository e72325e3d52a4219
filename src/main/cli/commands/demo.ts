// `spanfill demo`: the sample imported (once), one example's masking shown, a quick CPU run
// trained with its loss printed as it falls, and held-out sentences filled by the untrained and
// the trained model next to the true words, with both scores. The work is services/demo.ts over
// the ordinary services, so the dataset and run are there in the app afterwards; --serve then
// serves the UI on the same data directory.

import type { DemoEvent, DemoPrompt, DemoResult } from '../../services/demo';
import {
  DEMO_DEFAULT_MODEL,
  DEMO_DEFAULT_PROMPTS,
  DEMO_DEFAULT_STEPS,
  DEMO_STEPS_PER_CALL,
  runDemo,
} from '../../services/demo';
import { heldOutSentences } from '../../resources';
import type { DemoScore } from '../../services/demoScore';
import type { CommandContext } from '../command';
import { defineCommand, InterruptedError, UsageError } from '../command';
import { formatBytes } from '../../../shared/format';
import { runHash } from '../../../shared/runAddress';
import { withPullProgress } from './models';
import { startServing } from './serve';
import { renderPreview, withTokenizingProgress } from './mask';
import { spanfillCommand } from '../../../shared/commandText';

const heldOutCount = (): number => heldOutSentences().length;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const quoted = (text: string | null): string => (text === null ? '(nothing)' : JSON.stringify(text));

export function formatScore(label: string, s: DemoScore): string {
  return `${label}: ${s.exactSpans}/${s.spans} spans exact (${pct(s.exactRate)}), characters ${pct(s.characters)}`;
}

export function formatPrompt(prompt: DemoPrompt, index: number): string[] {
  const lines = [`${index + 1}. ${prompt.prompt}`];
  const width = Math.max(4, ...prompt.spans.map((s) => quoted(s.truth).length));
  for (const s of prompt.spans)
    lines.push(
      `   ${s.sentinel}  true ${quoted(s.truth).padEnd(width)}  untrained ${quoted(s.untrained)}  trained ${quoted(s.trained)}`,
    );
  return lines;
}

/**
 * Ctrl-C while the demo trains leaves its run stopped at a checkpoint: that is said, not "nothing was kept".
 * NOTE: the commands the demo prints always name its data directory, as its last lines do (render):
 * the demo is most often a first command, and they say where its dataset and run are kept.
 */
function stoppedRun(context: CommandContext, runId: string | undefined, error: unknown): unknown {
  if (!context.signal.aborted || runId === undefined) return error;
  const app = context.app();
  const run = app.runs.get(runId);
  if (run.status !== 'stopped') return error;
  const resume = spanfillCommand(`runs resume ${runId}`, app.dataDir);
  return new InterruptedError(
    `stopped the demo's run ${runId} at step ${run.step} with a checkpoint: \`${resume}\` trains it to the end; ` +
      `\`${spanfillCommand('demo', app.dataDir)}\` runs the demo again (the sample stays imported)`,
  );
}

/** Prints each stage as it happens (stdout, not with --json); the loss about every tenth of the run. */
function reporter(context: CommandContext): (event: DemoEvent) => void {
  let every = DEMO_STEPS_PER_CALL;
  return (event) => {
    if (event.kind === 'dataset') {
      const how = event.reused ? 'already imported' : 'imported';
      context.log(
        `Sample text ${how}: dataset ${event.dataset.id} (${event.dataset.stats?.documents ?? '?'} paragraphs)`,
      );
    } else if (event.kind === 'model') {
      const p = event.pulled;
      const how =
        p === null
          ? ''
          : ` (${p.model.name}, ${p.isFromCache ? 'from the cache' : `downloaded ${formatBytes(p.downloadedBytes)}`})`;
      context.log(`Base model: ${event.model}${how}`);
    } else if (event.kind === 'preview') {
      context.log('\nOne training example, masked as training will mask it ([N: …] is a span the model must fill):');
      context.log(renderPreview(event.preview));
    } else if (event.kind === 'run') {
      const c = event.config;
      every = Math.max(DEMO_STEPS_PER_CALL, Math.round(c.maxSteps! / 10 / DEMO_STEPS_PER_CALL) * DEMO_STEPS_PER_CALL);
      const optimizer =
        c.optimizer.kind === 'adafactor' ? 'Adafactor (relative step size, as T5)' : `AdamW, lr ${c.lr}`;
      context.log(
        `\nTraining run ${event.run.id}: ${event.run.totalSteps} steps, batch ${c.batchSize} × ${c.inputLength} tokens, ` +
          `spans of ${c.meanSpanLength} on average, ${optimizer}, on ${c.provider}`,
      );
    } else if (event.kind === 'loss') {
      if (event.step % every === 0 || event.step === DEMO_STEPS_PER_CALL || event.step === event.totalSteps)
        context.log(`  step ${String(event.step).padStart(5)}/${event.totalSteps}  loss ${event.loss.toFixed(4)}`);
    } else {
      if (event.index === 0)
        context.log(
          '\nHeld-out sentences (never trained on), masked with the run settings; what each model filled in:',
        );
      context.log(formatPrompt(event.prompt, event.index).join('\n'));
    }
  };
}

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'Import the sample, train a small model on it and compare fills before and after',
  usage: 'spanfill demo [--model REPO_ID|DIR|ID] [--steps N] [--prompts N] [--serve [--port N]]',
  description:
    'Imports the bundled public-domain sample (once; later demos reuse it), shows how one training example is ' +
    `masked, trains a CPU "quick" run of ${DEMO_DEFAULT_MODEL} from scratch for ${DEMO_DEFAULT_STEPS} steps ` +
    '(Adafactor, one-byte spans; a minute or two) printing the loss, then masks held-out sentences of the sample ' +
    'with the run settings and prints what the ' +
    'untrained and the trained model put in each span next to the true words, with two scores: spans reproduced ' +
    'exactly (a blank span only when the blank is written), and character similarity (1 − edit distance / length, ' +
    "averaged over spans), and a baseline: the sample's most common character written into every hole.\n\n" +
    'The dataset and the run are ordinary ones: `spanfill runs`, `spanfill fill --run ID` and the app show them. ' +
    '--serve then serves the UI on this data directory until Ctrl-C. --model google/flan-t5-small downloads that ' +
    'model (once, through `spanfill models pull`) and fine-tunes it instead (AdamW at 3e-4, spans of 3 tokens); ' +
    'that takes much longer on a CPU.',
  options: {
    model: { type: 'string', placeholder: 'M', description: `Base model (default ${DEMO_DEFAULT_MODEL})` },
    steps: {
      type: 'string',
      placeholder: 'N',
      description: `Training steps, a multiple of ${DEMO_STEPS_PER_CALL} (default ${DEMO_DEFAULT_STEPS})`,
    },
    prompts: {
      type: 'string',
      placeholder: 'N',
      description: `Held-out sentences to fill (default ${DEMO_DEFAULT_PROMPTS}, at most ${heldOutCount()})`,
    },
    serve: { type: 'boolean', description: 'Then serve the UI on this data directory (Ctrl-C stops)' },
    port: {
      type: 'string',
      placeholder: 'N',
      description: 'With --serve: the port (default: as serve: the last one, when free)',
    },
  },
  printsOwnResult: true,
  async run(context) {
    const steps = context.integer('steps', { min: DEMO_STEPS_PER_CALL, max: 1_000_000 });
    if (steps !== undefined && steps % DEMO_STEPS_PER_CALL !== 0)
      throw new UsageError(`--steps must be a multiple of ${DEMO_STEPS_PER_CALL}, got ${steps}`);
    const prompts = context.integer('prompts', { min: 1, max: heldOutCount() });
    const port = context.integer('port', { min: 0, max: 65_535 });
    if (port !== undefined && !context.flag('serve')) throw new UsageError('--port needs --serve');
    const app = context.app();
    let runId: string | undefined;
    const report = reporter(context);
    const track = (event: DemoEvent): void => {
      if (event.kind === 'run') runId = event.run.id;
      report(event);
    };
    const result = await withPullProgress(context, () =>
      withTokenizingProgress(context, app, () =>
        runDemo(app, { model: context.string('model'), steps, prompts }, track, context.signal),
      ),
    ).catch((error: unknown) => {
      throw stoppedRun(context, runId, error);
    });
    if (!context.flag('serve')) {
      context.printResult({ ...result, dataDir: app.dataDir });
      return undefined;
    }
    await startServing(context, port, (served) => {
      const url = `${served.url}${runHash(result.runId)}`;
      context.printResult({ ...result, dataDir: app.dataDir, url });
    });
    return undefined;
  },
  render(result) {
    const r = result as DemoResult & { url?: string; dataDir: string };
    const first = r.losses[0]?.value;
    const last = r.losses.at(-1)?.value;
    const lines = [
      '',
      `Dataset ${r.datasetId}, run ${r.runId} (${r.model}, ${r.steps} steps, ${(r.elapsedMs / 1000).toFixed(0)} s in all)`,
      first !== undefined && last !== undefined
        ? `Loss ${first.toFixed(4)} → ${last.toFixed(4)}`
        : 'No losses recorded',
      formatScore('Untrained', r.scores.untrained),
      formatScore('Trained  ', r.scores.trained),
      `${formatScore('Baseline ', r.scores.baseline)} (${quoted(r.baselineText)}, the sample's most common character, in every hole)`,
    ];
    if (r.url) lines.push('', `Open ${r.url} to see run ${r.runId}`, 'Press Ctrl-C to stop serving.');
    else
      lines.push(
        `See it in the app: ${spanfillCommand('serve', r.dataDir)} (Runs: ${r.runId})`,
        `Fill your own prompt: ${spanfillCommand(`fill --run ${r.runId} "We the <extra_id_0> of the United States"`, r.dataDir)}`,
      );
    return lines.join('\n');
  },
});
