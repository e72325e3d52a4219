// lib/reveal.ts: an outcome is scrolled into view, focus untouched; one with a head (Masking's
// result, taller than a 400 %-zoom window) only while its head lies below the view or the whole
// of it above, so a tall result whose top the person sees, or has scrolled into, stays put.
// Elements are stand-ins with the few members reveal reads (these tests run without a DOM).

import { describe, expect, it } from 'vitest';
import { isOutOfReading, reveal } from '../../../../src/renderer/src/lib/reveal';

interface Span {
  top: number;
  bottom: number;
}

/** A stand-in outcome spanning `box` in a <main> spanning `view`, its head (an h2) spanning `head`; records its scrolls. */
function outcome(box: Span, head: Span | undefined, view: Span = { top: 0, bottom: 256 }) {
  const scrolls: ScrollIntoViewOptions[] = [];
  const element = {
    getBoundingClientRect: () => box,
    querySelector: (selector: string) => (selector === 'h2' && head ? { getBoundingClientRect: () => head } : null),
    closest: (selector: string) => (selector === 'main' ? { getBoundingClientRect: () => view } : null),
    scrollIntoView: (options: ScrollIntoViewOptions) => scrolls.push(options),
  };
  return { element: element as unknown as Element, scrolls };
}

describe('reveal', () => {
  it('scrolls an outcome into view to its nearest edge', () => {
    const { element, scrolls } = outcome({ top: 400, bottom: 440 }, undefined);
    reveal(element);
    expect(scrolls).toEqual([{ block: 'nearest', inline: 'nearest' }]);
  });

  it('does nothing without an element', () => {
    expect(() => reveal(undefined)).not.toThrow();
  });

  it('with a head: scrolls while the head lies below the view or the whole outcome above it, else leaves it', () => {
    const cases: [string, Span, Span, boolean][] = [
      ['below the view', { top: 300, bottom: 900 }, { top: 300, bottom: 330 }, true],
      ['head cut by the bottom edge', { top: 240, bottom: 900 }, { top: 240, bottom: 270 }, true],
      ['whole above the view', { top: -700, bottom: -10 }, { top: -700, bottom: -670 }, true],
      ['tall, its head in view', { top: 100, bottom: 900 }, { top: 100, bottom: 130 }, false],
      ['tall, scrolled into (head above)', { top: -300, bottom: 500 }, { top: -300, bottom: -270 }, false],
      ['whole in view', { top: 20, bottom: 200 }, { top: 20, bottom: 50 }, false],
    ];
    const scrolled = cases.map(([what, box, head]) => {
      const { element, scrolls } = outcome(box, head);
      reveal(element, { head: 'h2' });
      return [what, scrolls.length > 0];
    });
    expect(scrolled).toEqual(cases.map(([what, , , expected]) => [what, expected]));
  });

  it('with a head it does not have: scrolls it as one without', () => {
    const { element, scrolls } = outcome({ top: 100, bottom: 900 }, undefined);
    reveal(element, { head: 'h2' });
    expect(scrolls).toHaveLength(1);
  });
});

describe('isOutOfReading', () => {
  it('is measured against the view given, not the window', () => {
    const view = { top: 100, bottom: 300 };
    expect(isOutOfReading({ top: 50, bottom: 90 }, { top: 50, bottom: 70 }, view)).toBe(true);
    expect(isOutOfReading({ top: 50, bottom: 400 }, { top: 50, bottom: 70 }, view)).toBe(false);
    expect(isOutOfReading({ top: 280, bottom: 400 }, { top: 280, bottom: 310 }, view)).toBe(true);
  });
});
