// Train › what the form says under a box without making Start wait: settings a run takes but
// that do less than they seem at its length (the steps asked for, or the estimate's for passes
// over the data; not known yet: nothing said). A warm-up the learning rate never climbs out of on
// a schedule with no end (with an end, runs.start refuses it: lib/trainForm.ts validate), and
// validation or checkpoint intervals longer than the run, which then happen only at its end, as
// with 0 (engine/train/trainer.ts).

import { hasRelativeSteps, scheduleHasEnd } from '../../../../shared/contract/schedule';
import type { TrainForm } from '../../lib/trainForm';

export type LengthNotes = Partial<Record<'warmupSteps' | 'evalEvery' | 'checkpointEvery', string>>;

export function lengthNotes(form: TrainForm, steps: number | undefined): LengthNotes {
  if (steps === undefined) return {};
  const longer = `More than the run's ${steps} steps`;
  const notes: LengthNotes = {};
  // Adafactor's relative steps ignore the warm-up (the estimate's notice says so).
  const hasWarmup = !scheduleHasEnd(form.schedule) && !hasRelativeSteps(form.optimizer);
  if (hasWarmup && form.warmupSteps > steps)
    notes.warmupSteps = `${longer}: the learning rate never reaches ${form.lr}.`;
  if (form.evalEvery > steps) notes.evalEvery = `${longer}: it validates only at the end.`;
  if (form.checkpointEvery > steps)
    notes.checkpointEvery = `${longer}: it saves a checkpoint only at the end (or when stopped).`;
  return notes;
}
