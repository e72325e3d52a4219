// A button whose action is running: `{@attach busyWhile(isBusy)}` marks it aria-disabled and
// aria-busy and lets a press meanwhile do nothing, where `disabled` would take it out of the tab
// order and drop keyboard focus (a screen reader's place) to the page. A submit button pressed,
// or a form's Enter (implicit submission clicks the default button), submits nothing meanwhile.
// A button whose action no longer applies once pressed (Previous at the first example, "In the
// columns" once added) is held the same way, without aria-busy: `unavailableWhile`. `holdWhile`
// does both, for a button busy at times and unavailable at others (Pause while another action of
// the run is out, or with the server gone). controls.css shows such a button as a disabled one.
// A file input is held the same way: a press opens no file chooser meanwhile.

import type { Attachment } from 'svelte/attachments';

/** Cancels a press before the button's own handler (Svelte's, delegated to the root) or its form sees it. */
function ignorePress(event: Event): void {
  event.preventDefault();
  event.stopImmediatePropagation();
}

/** Why a control does nothing now: its action runs (`isBusy`), or cannot run (`isUnavailable`). */
export interface Hold {
  readonly isBusy?: boolean;
  readonly isUnavailable?: boolean;
}

/** While busy or unavailable, the control stays focusable, says so (aria-disabled, aria-busy) and ignores presses. */
export function holdWhile({ isBusy = false, isUnavailable = false }: Hold): Attachment<HTMLElement> {
  return (control) => {
    if (!isBusy && !isUnavailable) return;
    control.setAttribute('aria-disabled', 'true');
    if (isBusy) control.setAttribute('aria-busy', 'true');
    control.addEventListener('click', ignorePress, { capture: true });
    return () => {
      control.removeAttribute('aria-disabled');
      control.removeAttribute('aria-busy');
      control.removeEventListener('click', ignorePress, { capture: true });
    };
  };
}

/** While `isBusy`, the button stays focusable, says it is busy and ignores presses. */
export function busyWhile(isBusy: boolean): Attachment<HTMLElement> {
  return holdWhile({ isBusy });
}

/** While `isUnavailable`, the button stays focusable, says it is unavailable and ignores presses. */
export function unavailableWhile(isUnavailable: boolean): Attachment<HTMLElement> {
  return holdWhile({ isUnavailable });
}
