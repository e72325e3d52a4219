// A remembered choice: reads what is stored (the default for nothing, junk or refused storage),
// writes and removes it, follows another tab's change of its key (or of everything cleared) and
// stops following; refused storage never throws.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isStorageChangeOf, preference } from '../../../../src/renderer/src/lib/preference';

type Size = 'small' | 'large';
const sizeFrom = (saved: string | null): Size => (saved === 'large' ? 'large' : 'small');
const sizeText = (size: Size): string | null => (size === 'small' ? null : size);

/** A localStorage over a map; `refuse` makes every access throw as a profile blocking site data does. */
function fakeStorage(refuse = false) {
  const items = new Map<string, string>();
  const guard = () => {
    if (refuse) throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  return {
    items,
    getItem: (key: string) => (guard(), items.get(key) ?? null),
    setItem: (key: string, value: string) => (guard(), void items.set(key, value)),
    removeItem: (key: string) => (guard(), void items.delete(key)),
  };
}

/** Another tab's change as the page hears it: a `storage` event naming `key` (null: all cleared). */
function otherTabChanged(key: string | null): void {
  window.dispatchEvent(Object.assign(new Event('storage'), { key }));
}

let storage: ReturnType<typeof fakeStorage>;
beforeEach(() => {
  storage = fakeStorage();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', new EventTarget());
});
afterEach(() => vi.unstubAllGlobals());

describe('preference', () => {
  const size = () => preference('test.size', sizeFrom, sizeText);

  it('reads the default with nothing stored or something it does not know, and what was saved', () => {
    expect(size().load()).toBe('small');
    storage.items.set('test.size', 'enormous');
    expect(size().load()).toBe('small');
    expect(size().save('large')).toBe(true);
    expect(storage.items.get('test.size')).toBe('large');
    expect(size().load()).toBe('large');
  });

  it('removes the key when the value writes as null', () => {
    size().save('large');
    size().save('small');
    expect(storage.items.has('test.size')).toBe(false);
  });

  it('reads the default and says a save was refused when storage throws, without throwing', () => {
    vi.stubGlobal('localStorage', fakeStorage(true));
    expect(size().load()).toBe('small');
    expect(size().save('large')).toBe(false);
    expect(size().save('small')).toBe(false);
  });

  it("follows another tab's change of its key or of everything, not of other keys, until stopped", () => {
    const heard: Size[] = [];
    const stop = size().follow((value) => heard.push(value));
    storage.items.set('test.size', 'large');
    otherTabChanged('test.size');
    otherTabChanged('test.other');
    storage.items.clear();
    otherTabChanged(null);
    stop();
    otherTabChanged('test.size');
    expect(heard).toEqual(['large', 'small']);
  });

  it('follows nothing where there is no window (a unit test, a worker)', () => {
    vi.stubGlobal('window', undefined);
    expect(() => size().follow(() => {})()).not.toThrow();
  });
});

describe('isStorageChangeOf', () => {
  it('is the key itself or everything cleared', () => {
    expect(isStorageChangeOf({ key: 'a' }, 'a')).toBe(true);
    expect(isStorageChangeOf({ key: null }, 'a')).toBe(true);
    expect(isStorageChangeOf({ key: 'b' }, 'a')).toBe(false);
  });
});
