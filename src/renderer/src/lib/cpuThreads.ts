// The Settings screen's CPU threads box (screens/settings/ExecutionPanel.svelte): what
// system.saveSettings would refuse in it, in the words the Train form's CPU threads box uses for
// the same number (a run's threads schema, whose ≥ 0 says what 0 means; lib/trainForm.ts), so the
// two boxes say one thing.

import { contractMessages, renameFields } from '../../../shared/contract/issues';
import { runConfigSchema } from '../../../shared/contract/runs';
import { systemCalls } from '../../../shared/contract/system';
import { withShownBounds } from './numberRange';
import { inLabelWords } from './settingLabels';

/** What is wrong with `threads` (null: an empty box) for the saved settings, or undefined. */
export function cpuThreadsProblem(threads: number | null): string | undefined {
  const refused = systemCalls.saveSettings.args.safeParse({ cpuThreads: threads }, { error: contractMessages }).error;
  const saving = refused?.issues[0]?.message;
  if (saving === undefined) return undefined;
  // A number: as a run's threads refuse it ("threads must be ≥ 0 (0: …)"); none: the saving words.
  const asRun =
    threads === null
      ? undefined
      : runConfigSchema.shape.threads.safeParse(threads, { error: contractMessages }).error?.issues[0]?.message;
  const message = asRun ?? renameFields(saving, (field) => (field === 'cpuThreads' ? 'threads' : undefined));
  return withShownBounds(inLabelWords(message), 'threads');
}
