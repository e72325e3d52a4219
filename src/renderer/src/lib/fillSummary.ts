// What the Playground announces about a fill, once for all its columns: a polite line while it
// runs and when it is done (how many models filled the holes, and that it was stopped if it
// was), and one alert naming the models that could not (with the engine's message when they
// share one; a column stopped is no failure). The columns show each answer; these are the
// words a screen reader hears instead of one message per column. Only the columns shown count.

/** What the summary reads of a column's outcome (the store's FillOutcome, lib/playgroundFill.ts). */
export type ColumnOutcome =
  { readonly status: 'running' | 'done' | 'stopped' } | { readonly status: 'failed'; readonly error: string };

export interface FillSummary {
  /** For the polite status line; '' when there is nothing good to say (every model failed). */
  readonly status: string;
  /** For the one alert: the models that failed and why; undefined when none did. */
  readonly alert: string | undefined;
}

/** A fill's summary from its columns (model label and outcome, in order); undefined before any fill. */
export function fillSummary(
  columns: readonly { readonly label: string; readonly outcome: ColumnOutcome }[],
): FillSummary | undefined {
  const count = columns.length;
  if (count === 0) return undefined;
  if (columns.some((c) => c.outcome.status === 'running'))
    return { status: `Filling the holes with ${models(count)}…`, alert: undefined };
  const failed = columns.flatMap((c) => (c.outcome.status === 'failed' ? [{ ...c, error: c.outcome.error }] : []));
  const filled = columns.filter((c) => c.outcome.status === 'done').length;
  const isStopped = columns.some((c) => c.outcome.status === 'stopped');
  const status = isStopped
    ? `Stopped; ${filled === 0 ? 'no model' : `${filled} of ${models(count)}`} filled the holes.`
    : filled === 0
      ? ''
      : failed.length > 0
        ? `${filled} of ${models(count)} filled the holes.`
        : count === 1
          ? `${columns[0].label} filled the holes.`
          : `${models(count)} filled the holes.`;
  if (failed.length === 0) return { status, alert: undefined };
  const names = failed.map((c) => c.label).join('; ');
  const errors = new Set(failed.map((c) => c.error));
  const why = errors.size === 1 ? failed[0].error : 'their columns say why.';
  return { status, alert: `${names} could not fill the holes: ${why}` };
}

/**
 * The columns the summary speaks of: those shown (`chosen`, in their order) that have an
 * outcome. A model unticked, or whose run was removed, since Fill was pressed is not counted;
 * nor is one ticked since, which has no outcome yet.
 */
export function shownColumns<Outcome extends ColumnOutcome>(
  chosen: readonly { readonly key: string; readonly label: string }[],
  outcomes: Readonly<Record<string, Outcome>>,
): { readonly label: string; readonly outcome: Outcome }[] {
  return chosen.flatMap(({ key, label }) => (key in outcomes ? [{ label, outcome: outcomes[key] }] : []));
}

function models(count: number): string {
  return count === 1 ? '1 model' : `${count} models`;
}
