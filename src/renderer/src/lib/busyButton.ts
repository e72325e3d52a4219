// A button whose action is running: `{@attach busyWhile(isBusy)}` marks it aria-disabled and
// aria-busy and lets a press meanwhile do nothing, where `disabled` would take it out of the tab
// order and drop keyboard focus (a screen reader's place) to the page. A submit button pressed,
// or a form's Enter (implicit submission clicks the default button), submits nothing meanwhile.
// controls.css shows such a button as it shows a disabled one.

import type { Attachment } from 'svelte/attachments';

/** Cancels a press before the button's own handler (Svelte's, delegated to the root) or its form sees it. */
function ignorePress(event: Event): void {
  event.preventDefault();
  event.stopImmediatePropagation();
}

/** While `isBusy`, the button stays focusable, says it is busy and ignores presses. */
export function busyWhile(isBusy: boolean): Attachment<HTMLButtonElement> {
  return (button) => {
    if (!isBusy) return;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    button.addEventListener('click', ignorePress, { capture: true });
    return () => {
      button.removeAttribute('aria-disabled');
      button.removeAttribute('aria-busy');
      button.removeEventListener('click', ignorePress, { capture: true });
    };
  };
}
