// The cancel signal of the calls a window's page makes over IPC: one per page, aborted when
// its webContents is destroyed (the window closed) or loads another document (a reload), as
// `spanfill serve` aborts a socket's calls when it closes. Nobody is left to read their
// answers, and a long fill would hold the engine host for the next page's calls.

import { ApiError } from '../../shared/errors';

/** What a webContents offers for it (a stand-in in tests). */
export interface PageEvents {
  /** 'destroyed'; 'did-navigate': the main frame committed another document (not a #route change). */
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
}

export class PageSignals {
  /** The page each webContents shows now, by its calls' controller. */
  private readonly pages = new WeakMap<PageEvents, AbortController>();
  private readonly watched = new WeakSet<PageEvents>();

  /** The signal for a call from the page `contents` shows now. */
  signalOf(contents: PageEvents): AbortSignal {
    if (!this.watched.has(contents)) {
      this.watched.add(contents);
      contents.once('destroyed', () => this.end(contents, 'The window that made the call closed'));
      contents.on('did-navigate', () => this.end(contents, 'The page that made the call was reloaded or left'));
    }
    let page = this.pages.get(contents);
    if (page === undefined) {
      page = new AbortController();
      this.pages.set(contents, page);
    }
    return page.signal;
  }

  private end(contents: PageEvents, reason: string): void {
    this.pages.get(contents)?.abort(new ApiError('cancelled', reason));
    this.pages.delete(contents);
  }
}
