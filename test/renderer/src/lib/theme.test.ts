// The theme choice: stored as light or dark (system: nothing stored), shown as <html>'s
// data-theme, followed from another tab; a profile that refuses site data (every localStorage
// access throws) still starts, following the system, and a choice made there still shows.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyTheme, followThemeOfOtherTabs, loadTheme } from '../../../../src/renderer/src/lib/theme';

let items: Map<string, string>;
let refuse: boolean;
const root = { dataset: {} as Record<string, string> };

beforeEach(() => {
  items = new Map();
  refuse = false;
  root.dataset = {};
  const guard = () => {
    if (refuse) throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => (guard(), items.get(key) ?? null),
    setItem: (key: string, value: string) => (guard(), void items.set(key, value)),
    removeItem: (key: string) => (guard(), void items.delete(key)),
  });
  vi.stubGlobal('document', { documentElement: root });
  vi.stubGlobal('window', new EventTarget());
});
afterEach(() => vi.unstubAllGlobals());

describe('theme', () => {
  it('stores light and dark, and nothing for the system', () => {
    expect(loadTheme()).toBe('system');
    applyTheme('dark');
    expect([items.get('spanfill.theme'), root.dataset.theme]).toEqual(['dark', 'dark']);
    expect(loadTheme()).toBe('dark');
    applyTheme('system');
    expect([items.has('spanfill.theme'), root.dataset.theme]).toEqual([false, undefined]);
  });

  it("shows another tab's choice and tells the listener", () => {
    const heard: string[] = [];
    const stop = followThemeOfOtherTabs((choice) => heard.push(choice));
    items.set('spanfill.theme', 'light');
    window.dispatchEvent(Object.assign(new Event('storage'), { key: 'spanfill.theme' }));
    stop();
    expect([heard, root.dataset.theme]).toEqual([['light'], 'light']);
  });

  it('follows the system when storage is refused, and still shows a choice made', () => {
    refuse = true;
    expect(loadTheme()).toBe('system');
    expect(() => applyTheme('dark')).not.toThrow();
    expect(root.dataset.theme).toBe('dark');
  });
});
