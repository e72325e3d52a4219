// `spanfill runs [list | show ID | compare ID ID… | rename ID NAME | resume ID | pause ID | stop ID | rm ID]`:
// the training runs of this data directory (the runs service). show marks checkpoints that
// cannot be used (unreadable, or missing from disk); rename gives one a new name; resume
// continues a paused, stopped or interrupted run from its newest readable checkpoint (saying
// which newer ones it passed over, and why) and follows it like `spanfill train` (its --json is
// train's, with the action beside it), or with --from-start from step 0 when none reads; stop
// asks the process training a run to stop it with a checkpoint; rm deletes a run and its files without asking (confirming is the UI's job).

import {
  comparedDatasetValue,
  MAX_COMPARED_RUNS,
  runCalls,
  type RunComparison,
  type RunDetail,
  type RunSummary,
} from '../../../shared/contract/runs';
import { unwrapEnvelope } from '../../../shared/errors';
import { unknownName } from '../argErrors';
import { checkedArgs } from '../options';
import { describeMemorySplit } from '../../../shared/contract/runEstimate';
import { checkpointRoles, lastCheckpoint } from '../../../shared/contract/runNames';
import { formatSetting } from '../../../shared/contract/runSettings';
import { withUnusedReason } from '../../../shared/contract/schedule';
import { type CommandContext, defineCommand, UsageError } from '../command';
import { formatPairs, localTimestamp } from '../output';
import { formatBytes, formatElapsed } from '../../../shared/format';
import { runArgument } from '../ref-arg';
import { runLossWarning } from '../../../shared/lossTrend';
import { BEST_CHECKPOINT_FLAG, followRun, renderFollowed, type FollowedRun } from './train';
import { settingFlag } from './train-flags';

type RunsResult =
  | { readonly action: 'list'; readonly runs: readonly RunSummary[] }
  | {
      readonly action: 'show';
      readonly run: RunDetail;
      readonly datasetName: string | null;
      /** runLossWarning's (a training loss that ended over 2× where it started); empty when none. */
      readonly warnings: readonly string[];
    }
  | ({ readonly action: 'compare' } & RunComparison)
  /** What train --json prints for the run (status at the top level, as the README says of both), and the action. */
  | ({ readonly action: 'resume' } & FollowedRun)
  | { readonly action: 'pause' | 'stop' | 'rename'; readonly run: RunSummary }
  | { readonly action: 'rm'; readonly id: string; readonly removed: boolean };

export function renderList(runs: readonly RunSummary[]): string {
  if (runs.length === 0)
    return 'No runs yet; `spanfill train --dataset ID --preset quick` starts one (the built-in model, no download).';
  return runs
    .map(
      (r) =>
        `${r.id}  ${r.status.padEnd(11)}  ${localTimestamp(r.createdAt)}  step ${r.step}/${r.totalSteps}  ${formatElapsed(r.elapsedMs)}  ${r.name}`,
    )
    .join('\n');
}

/**
 * A metric in a table: six significant digits (the --json output keeps them all), a tiny one in
 * exponent form ("5.55556e-6", not "0.00000555556"), as the screens write it.
 */
const number = (v: number): string => {
  const rounded = Number(v.toPrecision(6));
  return rounded !== 0 && Math.abs(rounded) < 1e-3 ? rounded.toExponential() : String(rounded);
};

/**
 * `datasetName`: the run's dataset as people know it (null: removed, or not known); `warnings`
 * come last, after its checkpoints (the best of which one may point at).
 */
export function renderShow(
  run: RunDetail,
  datasetName: string | null = null,
  warnings: readonly string[] = [],
): string {
  const pairs: [string, string][] = [
    ['id', run.id],
    ['name', run.name],
    ['status', run.status],
    ['step', `${run.step}/${run.totalSteps}`],
    ['model', run.model],
    [
      'dataset',
      run.datasetId === null ? '(deleted)' : `${run.datasetId}${datasetName === null ? '' : ` (${datasetName})`}`,
    ],
    ['provider', run.provider ?? '-'],
    ['threads', formatSetting(run.config.threads, 'threads')],
    ['started', localTimestamp(run.createdAt)],
    ['elapsed', formatElapsed(run.elapsedMs)],
    ['disk', formatBytes(run.diskBytes)],
  ];
  if (run.config.memorySplit) pairs.push(['memory', describeMemorySplit(run.config.memorySplit, run.config)]);
  if (run.error) pairs.push(['error', run.error]);
  for (const [name, value] of Object.entries(run.last)) pairs.push([name, number(value)]);
  const checkpoints = checkpointLines(run);
  return [
    formatPairs(pairs),
    'checkpoints:',
    ...(checkpoints.length > 0 ? checkpoints : ['  (none)']),
    ...warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

/**
 * A line a checkpoint, in step order: its roles and validation loss, or what keeps it from use
 * ("unreadable: model.safetensors is truncated (…)", "missing: its folder was deleted outside
 * Spanfill"), then its folder.
 */
function checkpointLines(run: RunDetail): string[] {
  const last = lastCheckpoint(run.checkpoints);
  const problems = new Map(run.checkpointProblems.map((p) => [p.step, p]));
  const lines = run.checkpoints.map((c) => {
    const problem = problems.get(c.step);
    problems.delete(c.step);
    if (problem) return { step: c.step, line: `  step ${c.step}  ${problem.kind}: ${problem.reason}  ${c.path}` };
    const loss = c.eval?.loss;
    const roles = checkpointRoles(c, last);
    const role = roles.length > 0 ? ` (${roles.join(', ')})` : '';
    return {
      step: c.step,
      line: `  step ${c.step}${role}${loss === undefined ? '' : `  eval.loss ${number(loss)}`}  ${c.path}`,
    };
  });
  for (const p of problems.values())
    lines.push({ step: p.step, line: `  step ${p.step}  ${p.kind}: ${p.reason}  ${p.path}` });
  return lines.sort((a, b) => a.step - b.step).map((l) => l.line);
}

/**
 * The settings that differ (a dataset by its name, 'removed' once it is gone, as the Runs screen
 * writes it), each run's status, its final metrics and best validation loss: a column a run.
 */
export function renderCompare(c: RunComparison): string {
  const setting = (v: unknown, key: string, unused: string | null): string =>
    withUnusedReason(
      comparedDatasetValue(c.datasets, key, v) ?? (typeof v === 'number' ? number(v) : formatSetting(v, key)),
      unused,
    );
  const metric = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : number(v));
  const rows: string[][] = [['', ...c.runs.map((r) => r.id)]];
  for (const d of c.differences) rows.push([d.key, ...d.values.map((v, i) => setting(v, d.key, d.unused[i]))]);
  if (c.differences.length === 0) rows.push(['(same configuration)', ...c.runs.map(() => '')]);
  rows.push(['status', ...c.runs.map((r) => r.status)]);
  const names = [...new Set(c.metrics.flatMap((m) => Object.keys(m.final)))].sort();
  for (const name of names) rows.push([`final ${name}`, ...c.metrics.map((m) => metric(m.final[name]))]);
  rows.push(['best eval.loss', ...c.metrics.map((m) => metric(m.bestEvalLoss))]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The runs `runs compare` names, as ids: two to MAX_COMPARED_RUNS (the Runs screen's bound, so
 * the table stays readable), each once (an id and a name of the same run count as one).
 */
function comparedIds(context: CommandContext, given: readonly string[]): string[] {
  if (given.length < 2) throw new UsageError(`runs compare needs at least two run ids; got ${given.length}`);
  if (given.length > MAX_COMPARED_RUNS)
    throw new UsageError(`runs compare takes at most ${MAX_COMPARED_RUNS} runs at a time; got ${given.length}`);
  const ids: string[] = [];
  for (const arg of given) {
    const id = runArgument(context, arg);
    if (ids.includes(id))
      throw new UsageError(
        `${arg === id ? `run ${id} is given twice` : `${arg} is run ${id}, already given`}; name each run once`,
      );
    ids.push(id);
  }
  return ids;
}

const RUNS_ACTIONS = ['list', 'show', 'compare', 'rename', 'resume', 'pause', 'stop', 'rm'] as const;

export const runsCommand = defineCommand({
  name: 'runs',
  takesArguments: true,
  summary: 'List, show, compare, rename, resume, pause, stop or remove training runs',
  usage:
    'spanfill runs [list | show ID | compare ID ID… | rename ID NAME | resume ID [--from-start] [--keep-last N] | pause ID | stop ID | rm ID]',
  description:
    'list shows the newest run first. An ID is a run id or a name only one run has. ' +
    `compare takes 2 to ${MAX_COMPARED_RUNS} runs, each once, and prints the configuration keys that differ (a dataset by its name) ` +
    "and each run's status, final metrics and best validation loss. " +
    'rename gives a run a new name (quote a name with spaces). ' +
    'resume continues a paused, stopped, interrupted or failed run from its newest checkpoint that reads whole, ' +
    'naming each newer one it cannot read and what is wrong with it (Ctrl-C stops it again with a checkpoint); ' +
    'when none of its checkpoints reads, it refuses unless --from-start, which trains it again from step 0; ' +
    '--keep-last N changes how many checkpoints it keeps from then on (fewer, for a disk that filled up). ' +
    'show marks checkpoints that cannot be used: unreadable (with what is wrong) or missing from disk, and ends ' +
    'with a warning when the training loss of a run no longer training ended over twice where it started ' +
    '(warnings in --json). ' +
    'stop asks the process training the run to stop it with a checkpoint and waits; ' +
    "pause does the same and marks it paused (as the app's Pause button does). " +
    'rm deletes the run, its metrics and its checkpoint files without asking; it refuses while the run trains ' +
    'or is starting to (stop it first), and while another run trains from one of its checkpoints.',
  options: {
    'from-start': {
      type: 'boolean',
      description: 'resume: start again from step 0 when none of its checkpoints can be read',
    },
    'keep-last': {
      type: 'string',
      placeholder: 'N',
      description:
        "resume: keep the last N checkpoints, and the best, from its next checkpoint on; stored as the run's " +
        'Checkpoints kept (default: the one it has). Fewer frees disk space',
    },
  },
  async run(context): Promise<RunsResult> {
    const [action = 'list', ...ids] = context.positionals;
    const runs = context.app().runs;
    const one = (): string => {
      if (ids.length !== 1) throw new UsageError(`runs ${action} needs one run id; got ${ids.length}`);
      return runArgument(context, ids[0]);
    };
    const given = { 'from-start': context.flag('from-start'), 'keep-last': context.string('keep-last') !== undefined };
    for (const [flag, isGiven] of Object.entries(given))
      if (isGiven && action !== 'resume') throw new UsageError(`--${flag} is for runs resume, not runs ${action}`);
    switch (action) {
      case 'list':
        if (ids.length > 0) throw new UsageError('runs list takes no arguments');
        // Newest first, as on the Runs screen, in the text and in --json (the service lists them oldest first).
        return { action, runs: [...runs.list()].reverse() };
      case 'show': {
        const run = runs.get(one());
        const dataset = run.datasetId === null ? undefined : context.app().datasets.repo.get(run.datasetId);
        const losses = runs.metrics([run.id], ['loss'])[run.id]?.loss?.values ?? [];
        const warning = runLossWarning(run, losses, BEST_CHECKPOINT_FLAG);
        return { action, run, datasetName: dataset?.name ?? null, warnings: warning === undefined ? [] : [warning] };
      }
      case 'compare':
        return { action, ...runs.compare(comparedIds(context, ids)) };
      case 'resume': {
        const fromStart = context.flag('from-start');
        const keepLast = settingFlag(context, 'keepLast');
        const started = await runs.resume(one(), context.signal, { fromStart, keepLast });
        const from =
          started.step > 0
            ? `resuming at step ${started.step}/${started.totalSteps}`
            : fromStart
              ? `starting again at step 0/${started.totalSteps} (--from-start)`
              : `no checkpoint to resume from, starting again at step 0/${started.totalSteps}`;
        context.status(`run ${started.id}: ${from}`, { force: true });
        return { action, ...(await followRun(context, started)) };
      }
      case 'rename': {
        if (ids.length !== 2)
          throw new UsageError('runs rename needs a run id and one new name (quote a name with spaces)');
        const args = { id: runArgument(context, ids[0]), name: ids[1] };
        checkedArgs(runCalls.rename.args, args);
        const envelope = await context.app().call('runs.rename', args);
        return { action, run: unwrapEnvelope(envelope) as RunSummary };
      }
      case 'pause':
        return { action, run: await runs.pause(one()) };
      case 'stop':
        return { action, run: await runs.stop(one()) };
      case 'rm':
        return { action, ...runs.remove(one()) };
      default:
        throw new UsageError(unknownName('runs action', action, RUNS_ACTIONS));
    }
  },
  render(result) {
    const r = result as RunsResult;
    switch (r.action) {
      case 'list':
        return renderList(r.runs);
      case 'show':
        return renderShow(r.run, r.datasetName, r.warnings);
      case 'compare':
        return renderCompare(r);
      case 'resume':
        return renderFollowed(r);
      case 'pause':
      case 'stop':
        return `run ${r.run.id} ${r.run.status} at step ${r.run.step}`;
      case 'rename':
        return `Renamed ${r.run.id} to "${r.run.name}"`;
      case 'rm':
        return r.removed ? `removed run ${r.id} and its files` : `no run ${r.id}`;
    }
  },
});
