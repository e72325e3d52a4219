// Alt+1…7 (Option+1…7 on a Mac) by the key pressed, not the character it types: macOS's
// Option+2 types '™', which no digit test in event.key would see.
import { describe, expect, it } from 'vitest';
import { routes } from '../../../../src/renderer/src/lib/routes';
import { screenKeyShortcut, screenShortcutIndex } from '../../../../src/renderer/src/lib/screenShortcuts';

const press = (code: string, keys: { altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean; key?: string } = {}) => ({
  code,
  key: keys.key ?? code.slice(-1),
  altKey: keys.altKey ?? true,
  ctrlKey: keys.ctrlKey ?? false,
  metaKey: keys.metaKey ?? false,
});

describe('screenShortcutIndex', () => {
  it('takes Alt with the digit keys 1 to 7 above the letters, whatever character they type', () => {
    for (const [index] of routes.entries()) expect(screenShortcutIndex(press(`Digit${index + 1}`))).toBe(index);
    // Option+2 and Option+1 on a US Mac keyboard.
    expect(screenShortcutIndex(press('Digit2', { key: '™' }))).toBe(1);
    expect(screenShortcutIndex(press('Digit1', { key: '¡' }))).toBe(0);
  });

  it('leaves other keys, other modifiers and digits past the last screen to the page', () => {
    expect(screenShortcutIndex(press('Digit1', { altKey: false }))).toBeUndefined();
    // AltGr on Windows is Ctrl+Alt; Cmd+Option is the Mac's own.
    expect(screenShortcutIndex(press('Digit1', { ctrlKey: true }))).toBeUndefined();
    expect(screenShortcutIndex(press('Digit1', { metaKey: true }))).toBeUndefined();
    expect(screenShortcutIndex(press(`Digit${routes.length + 1}`))).toBeUndefined();
    expect(screenShortcutIndex(press('Digit0'))).toBeUndefined();
    // Alt+numpad digits type characters by their code on Windows: not taken.
    expect(screenShortcutIndex(press('Numpad1'))).toBeUndefined();
    expect(screenShortcutIndex(press('KeyA', { key: '1' }))).toBeUndefined();
  });
});

describe('screenKeyShortcut', () => {
  it('names the shortcut as aria-keyshortcuts spells it', () => {
    expect(screenKeyShortcut(0)).toBe('Alt+1');
    expect(screenKeyShortcut(6)).toBe('Alt+7');
  });
});
