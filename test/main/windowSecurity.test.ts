// windowSecurity.ts: the window's webPreferences (DevTools off when packaged) and the
// navigation guard every navigation event of the window goes through.

import { describe, expect, it } from 'vitest';
import { trustedUrlCheck } from '../../src/main/trustedUrl';
import { navigationGuard, windowWebPreferences } from '../../src/main/windowSecurity';

describe('windowWebPreferences', () => {
  it('sandboxes the page, without Node, and opens no DevTools in a packaged app', () => {
    const packaged = windowWebPreferences({ preload: '/app/preload.cjs', isPackaged: true });
    expect(packaged).toEqual({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: false,
    });
    expect(windowWebPreferences({ preload: '/app/preload.cjs', isPackaged: false }).devTools).toBe(true);
  });
});

describe('navigationGuard', () => {
  const guard = navigationGuard(trustedUrlCheck({ rendererIndexUrl: 'file:///app/out/renderer/index.html' }));

  function isStopped(url: string): boolean {
    let stopped = false;
    guard({ url, preventDefault: () => (stopped = true) });
    return stopped;
  }

  it('lets the renderer through and stops anything else, as will-navigate always did', () => {
    expect(isStopped('file:///app/out/renderer/index.html#/runs')).toBe(false);
    expect(isStopped('https://evil.example/')).toBe(true);
    expect(isStopped('file:///app/out/renderer/index.html.evil/x.html')).toBe(true);
    expect(isStopped('')).toBe(true);
  });
});
