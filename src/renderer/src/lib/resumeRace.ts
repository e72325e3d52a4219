// A Resume that lost the race: another window or a terminal resumed the run first, so the service
// refused this one (services/runsResumable.ts: "is already running", a conflict). The run does what
// was asked, so the run's view and the Runs screen say where it went instead of showing an error
// (lib/runs.svelte.ts reads the run again after such a refusal; runs/ResumeOutcome.svelte says it).

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
