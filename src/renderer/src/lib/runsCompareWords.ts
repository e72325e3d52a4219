// What the Runs screen's polite live region says as runs are ticked to compare (screens/runs/
// RunsScreen.svelte): the comparison shows below the table, out of sight of the tick box, so its
// start, each change of how many runs it compares, and its end are said once each; nothing while
// fewer than two runs are ticked (the hint under the table says what a tick does).

/** The line for the runs compared going from `before` to `now` in number; undefined when there is nothing to say. */
export function comparedCountWords(before: number, now: number): string | undefined {
  if (now === before) return undefined;
  if (now >= 2) return `Comparing ${now} runs — below the table.`;
  if (before < 2) return undefined;
  return `Comparison ended: tick ${now === 1 ? 'one more run' : 'two or more runs'} to compare.`;
}
