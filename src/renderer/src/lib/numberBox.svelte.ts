// A number box (<input type="number">) bound to a value as bind:value binds one, except that a
// whole-number box's text not written in digits (1e3, which the browser reads as 1000; 1.0) gives
// NaN (numberRange.ts boxNumber), which every form's check of the value refuses (the Train form's
// schema, Settings' saving rule, a Resume's count), and the box's browser validity says what is
// wrong too (`problem`), so a form the browser checks (Masking's Preview) is refused as well.
// Every number box takes it: NumberField, the Train form's FormField (the run view's Checkpoints
// kept too) and Settings' CPU threads. Such text is kept for the app session under the box's
// name (`keptAs`), as the forms keep their values (trainFormKept.ts, maskingScreen.ts): a box that
// opens again on a kept NaN shows the text it gave, beside the message it still earns.

import type { Attachment } from 'svelte/attachments';
import { SvelteMap } from 'svelte/reactivity';
import { boxNumber } from './numberRange';

export interface NumberBinding {
  /** The bound value (null: an empty box). */
  readonly get: () => number | null;
  readonly set: (value: number | null) => void;
  /** Whole numbers only (a box that steps by 1): its text must be digits. */
  readonly isWhole: boolean;
  /** What the box says is wrong with it, given to the browser's check of its form. */
  readonly problem: () => string | undefined;
  /**
   * The box's name in the whole app (its testid), under which text that gives NaN is kept while
   * the box is gone (another screen open). Absent: a box opening on NaN is empty.
   */
  readonly keptAs?: string;
}

/**
 * Text that gave NaN, by box (keptAs). NOTE: without it a form kept while its screen was closed
 * came back with the box empty under "Steps must be a whole number": the value (NaN) was kept,
 * the text that made it was not.
 */
const keptTexts = new SvelteMap<string, string>();

const isSame = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Number.isNaN(a) && Number.isNaN(b));

/** `{@attach numberBox(...)}` on a number input in place of bind:value. */
export function numberBox({ get, set, isWhole, problem, keptAs }: NumberBinding): Attachment<HTMLInputElement> {
  return (box) => {
    // A value set from outside (a form reset, carried settings, a kept form as the box opens)
    // replaces the text; the value the text gives (NaN for 1e3 among them) leaves it as typed.
    $effect(() => {
      const value = get();
      if (isSame(value, boxNumber(box.value, isWhole))) return;
      box.value = value === null ? '' : Number.isNaN(value) ? keptText(keptAs) : String(value);
    });
    $effect(() => box.setCustomValidity(problem() ?? ''));
    const read = (): void => {
      const value = boxNumber(box.value, isWhole);
      if (keptAs !== undefined && Number.isNaN(value)) keptTexts.set(keptAs, box.value);
      else if (keptAs !== undefined) keptTexts.delete(keptAs);
      set(value);
    };
    box.addEventListener('input', read);
    return () => box.removeEventListener('input', read);
  };
}

/** The text kept for a box opening on NaN ('' when none was: an empty box, as before). */
function keptText(keptAs: string | undefined): string {
  return keptAs === undefined ? '' : (keptTexts.get(keptAs) ?? '');
}
