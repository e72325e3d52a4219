// A Resume that lost the race: another window or a terminal resumed the run first, so the service
// refused this one (services/runsResumable.ts: "is already running", a conflict). The run does what
// was asked, so the run's view and the Runs screen say where it went instead of showing an error
// (lib/runs.svelte.ts reads the run again after such a refusal; runs/ResumeOutcome.svelte says it,
// while the run trains or is starting to: it says so).

import type { RunStatusName } from '../../../shared/contract/runs';
import { ApiError } from '../../../shared/errors';

/**
 * What to say instead of `refusal` when it refused a resume of a run whose status, read after it,
 * is `now`: it trains, or is starting to. Undefined for any other refusal (said as it is).
 */
export function resumedElsewhere(refusal: unknown, now: RunStatusName | undefined): string | undefined {
  if (!(refusal instanceof ApiError && refusal.code === 'conflict')) return undefined;
  if (now !== 'running' && now !== 'queued') return undefined;
  const doing = now === 'running' ? 'it trains now' : 'it is starting to train';
  return `Resumed elsewhere (another window or a terminal) before this Resume reached it: ${doing}.`;
}

/**
 * What the last resume that said anything said, with its run. `isElsewhere`: its one notice is
 * resumedElsewhere's, which says what the run does now.
 */
export interface ResumeSaid {
  readonly id: string;
  readonly notices: readonly string[];
  readonly isElsewhere?: boolean;
}

/**
 * `said` once run `runId`'s status is `status`: resumedElsewhere's notice says the run trains (or
 * is starting to) now, so it goes when the run no longer does (paused, stopped, finished, failed),
 * for good: a later resume of it is not the one it spoke of. What a resume said of the
 * checkpoints it passed over stays, as what became of that resume.
 */
export function resumeSaidAfter(
  said: ResumeSaid | undefined,
  runId: string,
  status: RunStatusName,
): ResumeSaid | undefined {
  const isTraining = status === 'running' || status === 'queued';
  return said?.isElsewhere === true && said.id === runId && !isTraining ? undefined : said;
}

/** What `said` still says of `run` (runs/ResumeOutcome.svelte shows it), one line; undefined for nothing. */
export function resumeNotices(
  said: ResumeSaid | undefined,
  run: { readonly id: string; readonly status: RunStatusName } | undefined,
): string | undefined {
  if (run === undefined || said?.id !== run.id) return undefined;
  return resumeSaidAfter(said, run.id, run.status)?.notices.join(' ');
}
