// An outcome shown where the person is not looking: the import's notice above the pickers, a
// fill's answers below the prompt, an export's folder below its button. At 400 % zoom (320×256)
// each appeared out of view while the focus stayed on the control pressed, so a sighted keyboard
// user saw nothing happen. The outcome is scrolled into view, to the nearest edge, as it appears
// and as it changes to another, never on an update of the same one; the focus stays where it is.
// An outcome taller than the view with a head (Masking's result under its heading) is scrolled
// to only while its head lies below the view or the whole of it above: scrolling to its nearest
// edge would move one whose top the person sees, or has scrolled into, to its top.
// NOTE: DOM only, no Svelte (but for an attachment's type).

import type { Attachment } from 'svelte/attachments';

interface Span {
  readonly top: number;
  readonly bottom: number;
}

/**
 * Whether an outcome spanning `box`, its head spanning `head`, lies out of where the person reads
 * in the view spanning `view` (<main>'s visible part): its head below the view, or all of it above.
 */
export function isOutOfReading(box: Span, head: Span, view: Span): boolean {
  return head.bottom > view.bottom || box.bottom < view.top;
}

export interface RevealOptions {
  /** The outcome's head (a selector within it, 'h2'): it is scrolled to only where isOutOfReading. */
  readonly head?: string;
}

/** Scrolls `element` into view where it is out of it (to its nearest edge), leaving the focus where it is. */
export function reveal(element: Element | null | undefined, options: RevealOptions = {}): void {
  if (!element) return;
  const head = options.head === undefined ? null : element.querySelector(options.head);
  if (head) {
    const view = element.closest('main')?.getBoundingClientRect() ?? { top: 0, bottom: globalThis.innerHeight };
    if (!isOutOfReading(element.getBoundingClientRect(), head.getBoundingClientRect(), view)) return;
  }
  element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/**
 * An attachment that reveals its element as it appears, and again each time `outcome` is
 * another (`{@attach revealOn(result)}`: Svelte runs it afresh when the value it is given changes);
 * nothing while `outcome` is undefined, nor where `isOwn` says the outcome is not of what the
 * person just did (a notice of something done elsewhere, with the focus on another part).
 */
export function revealOn(outcome: unknown, isOwn: () => boolean = () => true): Attachment<HTMLElement> {
  return (element) => {
    if (outcome !== undefined && isOwn()) reveal(element);
  };
}

/** Whether the focus is within the part of the page that `selector` finds (the one whose outcome shows). */
export const isFocusWithin = (selector: string): boolean => document.activeElement?.closest(selector) != null;
