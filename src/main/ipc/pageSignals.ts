// The context of the calls a window's page makes over IPC, one per page: their cancel signal,
// aborted when its webContents is destroyed (the window closed) or loads another document (a
// reload), as `spanfill serve` aborts a socket's calls when it closes (nobody is left to read
// their answers, and a long fill would hold the engine host for the next page's calls); and
// their caller (CallContext.caller), so that the page's Stop stops its own fills, not another
// window's, nor those of the page it replaced.

import { ApiError } from '../../shared/errors';
import type { CallContext } from '../services/handler';

/** What a webContents offers for it (a stand-in in tests). */
export interface PageEvents {
  /** 'destroyed'; 'did-navigate': the main frame committed another document (not a #route change). */
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
}

interface Page {
  readonly calls: AbortController;
  /** The page's identity for the handlers: an object of its own, with nothing in it. */
  readonly caller: object;
}

export class PageSignals {
  /** The page each webContents shows now. */
  private readonly pages = new WeakMap<PageEvents, Page>();
  private readonly watched = new WeakSet<PageEvents>();

  /** The context of a call from the page `contents` shows now. */
  contextOf(contents: PageEvents): Required<CallContext> {
    if (!this.watched.has(contents)) {
      this.watched.add(contents);
      contents.once('destroyed', () => this.end(contents, 'The window that made the call closed'));
      contents.on('did-navigate', () => this.end(contents, 'The page that made the call was reloaded or left'));
    }
    let page = this.pages.get(contents);
    if (page === undefined) {
      page = { calls: new AbortController(), caller: {} };
      this.pages.set(contents, page);
    }
    return { signal: page.calls.signal, caller: page.caller };
  }

  private end(contents: PageEvents, reason: string): void {
    this.pages.get(contents)?.calls.abort(new ApiError('cancelled', reason));
    this.pages.delete(contents);
  }
}
