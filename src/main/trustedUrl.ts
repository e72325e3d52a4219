// Which page URLs are the app's own renderer: the test behind the IPC sender check and the
// window's will-navigate guard (index.ts). Exact, never a string prefix: a prefix would take
// file:///…/index.html.evil/x.html for the renderer and http://localhost:5173.evil.com for
// the dev server. Pure (no Electron), so it can be tested where Electron cannot run.

export interface RendererLocation {
  /** file:// URL of the built renderer's index.html. */
  readonly rendererIndexUrl: string;
  /** The electron-vite dev server (ELECTRON_RENDERER_URL), when running in development. */
  readonly devServerUrl?: string;
}

/** A check that accepts the renderer's index.html (any query or hash) and, in dev, any page of the dev server's origin. */
export function trustedUrlCheck({ rendererIndexUrl, devServerUrl }: RendererLocation): (url: string) => boolean {
  const index = withoutQueryAndHash(rendererIndexUrl);
  const devOrigin = devServerUrl === undefined ? undefined : new URL(devServerUrl).origin;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false; // '' (a frame without a URL) or anything else that is no URL
    }
    // NOTE: file: URLs have the origin 'null', so the dev compare can never take a file page.
    if (devOrigin !== undefined && parsed.origin !== 'null' && parsed.origin === devOrigin) return true;
    return withoutQueryAndHash(parsed.href) === index;
  };
}

function withoutQueryAndHash(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
