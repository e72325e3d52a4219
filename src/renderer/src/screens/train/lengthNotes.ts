// Train › what the form says under a box without making Start wait: settings a run takes but
// that do less than they seem at its length (the steps asked for, or the estimate's for passes
// over the data; not known yet: nothing said), by the rule `spanfill train` notes them with
// (shared/contract/schedule.ts lengthConsequences). A warm-up longer than a run whose schedule
// has an end is refused instead (lib/trainForm.ts validate, runs.start).

import { lengthConsequences, type LengthSetting } from '../../../../shared/contract/schedule';
import type { TrainForm } from '../../lib/trainForm';

export type LengthNotes = Partial<Record<LengthSetting, string>>;

export function lengthNotes(form: TrainForm, steps: number | undefined): LengthNotes {
  if (steps === undefined) return {};
  const said = lengthConsequences(form, steps);
  return Object.fromEntries(
    Object.entries(said).map(([setting, consequence]) => [
      setting,
      `More than the run's ${steps} steps: ${consequence}.`,
    ]),
  );
}
