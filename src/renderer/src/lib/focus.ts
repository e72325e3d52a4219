// Where the keyboard focus goes when what had it goes away: a screen's or view's heading (made
// focusable with tabindex=-1 where it is not), and, for an item removed from a list (a table row
// deleted after a confirm), the same control in the next item, else in the one before, else the
// nearest heading before the list. Without it the focus falls to <body> and a keyboard or
// screen-reader user starts again from the top of the page.
// NOTE: DOM only, no Svelte: components call these after `tick()`, once the DOM shows the change.

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
