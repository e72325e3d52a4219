// trustedUrl.ts: the renderer's own pages by exact URL (query and hash aside) and, in dev, by
// exact origin; look-alikes that merely begin with the trusted string are refused.

import { describe, expect, it } from 'vitest';
import { trustedUrlCheck } from '../../src/main/trustedUrl';

const rendererIndexUrl = 'file:///app/out/renderer/index.html';

describe('trustedUrlCheck, packaged app', () => {
  const isTrusted = trustedUrlCheck({ rendererIndexUrl });

  it.each([
    'file:///app/out/renderer/index.html',
    'file:///app/out/renderer/index.html#/runs/r-1',
    'file:///app/out/renderer/index.html?x=1#/train',
  ])('accepts %s', (url) => expect(isTrusted(url)).toBe(true));

  it.each([
    'file:///app/out/renderer/index.html.evil/x.html',
    'file:///app/out/renderer/index.htmlx',
    'file:///app/out/renderer/index.html/',
    'file:///app/out/renderer/other.html',
    'file:///app/out/renderer/../renderer-evil/index.html',
    'file://evil-host/app/out/renderer/index.html',
    'http://localhost:5173/',
    'https://example.com/app/out/renderer/index.html',
    '',
    'not a url',
  ])('refuses %s', (url) => expect(isTrusted(url)).toBe(false));

  it('compares the path as a URL, so an encoded space matches its own index', () => {
    const check = trustedUrlCheck({ rendererIndexUrl: 'file:///my%20apps/renderer/index.html' });
    expect(check('file:///my%20apps/renderer/index.html#/')).toBe(true);
    expect(check('file:///my%20apps/renderer/index.html%20x')).toBe(false);
  });
});

describe('trustedUrlCheck, development', () => {
  const isTrusted = trustedUrlCheck({ rendererIndexUrl, devServerUrl: 'http://localhost:5173/' });

  it.each([
    'http://localhost:5173',
    'http://localhost:5173/',
    'http://localhost:5173/src/main.ts?t=1',
    'http://localhost:5173/#/runs',
    'file:///app/out/renderer/index.html',
  ])('accepts %s', (url) => expect(isTrusted(url)).toBe(true));

  it.each([
    'http://localhost:5173.evil.com/',
    'http://localhost:51730/',
    'http://localhost:5173@evil.com/',
    'https://localhost:5173/',
    'http://localhost/',
    'http://127.0.0.1:5173/',
    'ws://localhost:5173/',
    'file:///app/out/renderer/index.html.evil/x.html',
  ])('refuses %s', (url) => expect(isTrusted(url)).toBe(false));
});
