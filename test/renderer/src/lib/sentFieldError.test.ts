// sentFieldError.svelte.ts: a sent form's error about a field marks that field (and the field
// takes the focus) until it is edited or the form shows another error or none; an error about
// no field marks none; isAboutPaths tells an error naming a typed path (or refusing none typed).

import { describe, expect, it } from 'vitest';
import { isAboutPaths, SentFieldError } from '../../../../src/renderer/src/lib/sentFieldError';

/** A field's mark over a form whose shown error the test sets. */
function field(): { sent: SentFieldError; show: (error: string | undefined) => void } {
  let shown: string | undefined;
  const sent = new SentFieldError({ marked: undefined }, () => shown);
  return {
    sent,
    show: (error) => {
      shown = error;
    },
  };
}

describe('SentFieldError', () => {
  it('marks the field with an error about it, focuses it, and unmarks it once edited', () => {
    const { sent, show } = field();
    let focused = 0;
    show('relative/dir is not a full path');
    sent.settled(
      (error) => error.includes('relative/dir'),
      () => (focused += 1),
    );
    expect(sent.error).toBe('relative/dir is not a full path');
    expect(focused).toBe(1);
    sent.edited();
    expect(sent.error).toBeUndefined();
  });

  it('unmarks the field as the form shows another error, or none', () => {
    const { sent, show } = field();
    show('/x does not exist');
    sent.settled(
      () => true,
      () => undefined,
    );
    show('Lost the connection to the server');
    expect(sent.error).toBeUndefined();
    show(undefined);
    expect(sent.error).toBeUndefined();
  });

  it('marks nothing, and focuses nothing, for an error about no field or for no error', () => {
    const { sent, show } = field();
    let focused = 0;
    show('The server failed');
    sent.settled(
      () => false,
      () => (focused += 1),
    );
    expect(sent.error).toBeUndefined();
    show(undefined);
    sent.settled(
      () => true,
      () => (focused += 1),
    );
    expect(sent.error).toBeUndefined();
    expect(focused).toBe(0);
  });
});

describe('isAboutPaths', () => {
  it('is about typed paths that the error names, one path a line', () => {
    expect(isAboutPaths('/data/missing.txt does not exist', '/data/a.txt\n  /data/missing.txt  \n')).toBe(true);
    expect(isAboutPaths('Lost the connection to the server', '/data/a.txt')).toBe(false);
  });

  it('is about a field left empty (refused before it is sent)', () => {
    expect(isAboutPaths('Give the path of a model folder', '  \n ')).toBe(true);
  });
});
