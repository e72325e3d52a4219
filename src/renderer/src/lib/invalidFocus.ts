// A form refused for a setting marked wrong (aria-invalid) hands the focus to the first such box,
// so the keyboard is where the fix is and a screen reader reads its label and error. This is
// what the browser does itself for a form it checks (Masking's Preview: its boxes' own
// min/max/step); a form checked by the contract's schema instead (Train, novalidate) calls this.
// NOTE: DOM only, no Svelte, as lib/focus.ts.

import { focusOn } from './focus';

/** Focuses the first box in `form` marked aria-invalid, opening the folded <details> it is in. */
export function focusFirstInvalid(form: HTMLElement): boolean {
  const box = form.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!box) return false;
  for (let folded = box.closest('details'); folded; folded = folded.parentElement?.closest('details') ?? null)
    folded.open = true;
  return focusOn(box);
}
