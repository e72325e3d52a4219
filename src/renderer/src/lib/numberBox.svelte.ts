// A number box (<input type="number">) bound to a value as bind:value binds one, except that a
// whole-number box's text not written in digits (1e3, which the browser reads as 1000; 1.0) gives
// NaN (numberRange.ts boxNumber), which every form's check of the value refuses (the Train form's
// schema, Settings' saving rule, a Resume's count), and the box's browser validity says what is
// wrong too (`problem`), so a form the browser checks (Masking's Preview) is refused as well.
// Every number box takes it: NumberField, the Train form's FormField (the run view's Checkpoints
// kept too) and Settings' CPU threads.

import type { Attachment } from 'svelte/attachments';
import { boxNumber } from './numberRange';

export interface NumberBinding {
  /** The bound value (null: an empty box). */
  readonly get: () => number | null;
  readonly set: (value: number | null) => void;
  /** Whole numbers only (a box that steps by 1): its text must be digits. */
  readonly isWhole: boolean;
  /** What the box says is wrong with it, given to the browser's check of its form. */
  readonly problem: () => string | undefined;
}

const isSame = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Number.isNaN(a) && Number.isNaN(b));

/** `{@attach numberBox(...)}` on a number input in place of bind:value. */
export function numberBox({ get, set, isWhole, problem }: NumberBinding): Attachment<HTMLInputElement> {
  return (box) => {
    // A value set from outside (a form reset, carried settings) replaces the text; the value the
    // text gives (NaN for 1e3 among them) leaves it as typed.
    $effect(() => {
      const value = get();
      if (isSame(value, boxNumber(box.value, isWhole))) return;
      box.value = value === null || Number.isNaN(value) ? '' : String(value);
    });
    $effect(() => box.setCustomValidity(problem() ?? ''));
    const read = (): void => set(boxNumber(box.value, isWhole));
    box.addEventListener('input', read);
    return () => box.removeEventListener('input', read);
  };
}
