// A box that scrolls a wide table sideways (a .table-scroll, content.css): while what it holds is
// wider than it (a narrow window, 200 % zoom), the keyboard reaches it (tabindex=0: arrow keys
// then scroll it) and a screen reader hears it as a region with a name; while all of it shows,
// it is a plain box with no tab stop of its own. Without it a table with nothing focusable in it
// cannot be scrolled to its cut-off columns from the keyboard (WCAG 2.1.1; axe-core's
// scrollable-region-focusable).

import type { Attachment } from 'svelte/attachments';

/** Marks `box` a focusable, named region (`label`) while its content is wider than it. */
export function scrollsByKeyboard(label: string): Attachment<HTMLElement> {
  return (box) => {
    const update = (): void => {
      const isCut = box.scrollWidth > box.clientWidth + 1;
      // (One that has the focus keeps its tab stop until it loses it: the focus would fall to the page.)
      if (!isCut && document.activeElement === box) return;
      for (const [name, value] of [
        ['tabindex', '0'],
        ['role', 'region'],
        ['aria-label', label],
      ]) {
        if (isCut) box.setAttribute(name, value);
        else box.removeAttribute(name);
      }
    };
    const sizes = new ResizeObserver(update);
    sizes.observe(box);
    for (const child of box.children) sizes.observe(child);
    box.addEventListener('focusout', update);
    return () => {
      sizes.disconnect();
      box.removeEventListener('focusout', update);
    };
  };
}
