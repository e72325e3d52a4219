// Where the keyboard focus goes when what had it goes away: a screen's or view's heading (made
// focusable with tabindex=-1 where it is not), and, for an item removed from a list (a table row
// deleted after a confirm), the same control in the next item, else in the one before, else the
// nearest heading before the list; within a group of controls that replace each other (Pause by
// Resume), the control that took its place (`keepFocusIn`). Without it the focus falls to <body>
// and a keyboard or screen-reader user starts again from the top of the page.
// NOTE: DOM only, no Svelte (but for an attachment's type): components call these after
// `tick()`, once the DOM shows the change.

import type { Attachment } from 'svelte/attachments';

/** Whether the focus fell out of the page's controls (its holder was removed, or nothing had it). */
export function isFocusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

/** Focuses `target`, giving it tabindex=-1 first when it cannot take the focus otherwise (a heading). */
export function focusOn(target: HTMLElement | null | undefined): boolean {
  if (!target?.isConnected) return false;
  if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus();
  return document.activeElement === target;
}

const HEADINGS = 'h1, h2, h3, h4, h5, h6';

/** The headings before `anchor` in its <main> (or the page), nearest first. */
function headingsBefore(anchor: Element): HTMLElement[] {
  const root = anchor.closest('main') ?? document.body;
  return [...root.querySelectorAll<HTMLElement>(HEADINGS)]
    .filter((heading) => (heading.compareDocumentPosition(anchor) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0)
    .reverse();
}

function canTakeFocus(element: HTMLElement): boolean {
  return element.isConnected && !(element as HTMLButtonElement).disabled && element.getClientRects().length > 0;
}

const CONTROLS = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** The first control in `group` that can take the focus now (in document order). */
export function firstControl(group: Element): HTMLElement | undefined {
  return [...group.querySelectorAll<HTMLElement>(CONTROLS)].find(canTakeFocus);
}

/**
 * For a group of controls that replace each other as what they act on changes (Pause by Resume
 * once the run pauses, a progress's Cancel by what it says when it ends): when the control in
 * `group` that had the focus leaves the page and the focus falls to <body> with it, the focus goes
 * to `next(group)`, by default the group's first control. A control that gave the focus to
 * something else first is forgotten; a group that goes away takes its watch with it.
 */
export function keepFocusIn(
  next: (group: HTMLElement) => HTMLElement | null | undefined = firstControl,
): Attachment<HTMLElement> {
  return (group) => {
    let focused: Element | undefined;
    const focusin = (event: FocusEvent): void => {
      focused = event.target instanceof Element ? event.target : undefined;
    };
    // NOTE: Chromium fires focusout on a focused element as it is removed (still connected then):
    // only one still there a moment later gave the focus away.
    const focusout = (event: FocusEvent): void => {
      const left = event.target;
      queueMicrotask(() => {
        if (left === focused && focused.isConnected && !group.contains(document.activeElement)) focused = undefined;
      });
    };
    const watch = new MutationObserver(() => {
      if (!focused || focused.isConnected) return;
      focused = undefined;
      if (isFocusLost()) focusOn(next(group));
    });
    group.addEventListener('focusin', focusin);
    group.addEventListener('focusout', focusout);
    watch.observe(group, { childList: true, subtree: true });
    return () => {
      watch.disconnect();
      group.removeEventListener('focusin', focusin);
      group.removeEventListener('focusout', focusout);
    };
  };
}

/**
 * Where the focus should go once `anchor`'s item (its table row or list item) is gone, worked out
 * now, while the item is there, and asked later: the `sameControl` (a selector) of the item after
 * it, else of the one before, else the nearest heading before it that is still there. Undefined
 * when none is (the whole screen went).
 */
export function focusAfterRemoval(anchor: Element, sameControl: string): () => HTMLElement | undefined {
  const item = anchor.closest('tr, li');
  const neighbours = item ? [item.nextElementSibling, item.previousElementSibling] : [];
  const headings = headingsBefore(anchor);
  return () => {
    for (const neighbour of neighbours) {
      const control = neighbour?.isConnected ? neighbour.querySelector<HTMLElement>(sameControl) : null;
      if (control && canTakeFocus(control)) return control;
    }
    return headings.find((heading) => heading.isConnected);
  };
}
