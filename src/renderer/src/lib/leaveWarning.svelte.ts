// Browser mode: while an upload or an import started from this page runs, closing or reloading
// the tab asks first (the browser's own "Leave site?"): a closed tab's upload is lost (it must be
// dropped again), and its import, which goes on, is no longer followed. The beforeunload
// handler is there only while such work runs: a page with one is kept out of the back/forward
// cache by some browsers. Never in the desktop app, where a beforeunload that prevents the
// default keeps the window from closing, and Electron asks nothing.

/**
 * Sets up the question (in browser mode only): given whether work runs now, it adds the
 * beforeunload handler to `target` and returns its removal; undefined when it adds none.
 */
export function leaveWarning(isBrowser: boolean, target: EventTarget): (isBusy: boolean) => (() => void) | undefined {
  return (isBusy) => {
    if (!isBrowser || !isBusy) return undefined;
    const ask = (event: Event): void => {
      event.preventDefault();
      // Chromium before 119 and older Safari ask only when returnValue is set.
      (event as BeforeUnloadEvent).returnValue = true;
    };
    target.addEventListener('beforeunload', ask);
    return () => target.removeEventListener('beforeunload', ask);
  };
}

/** Asks before the tab is closed or reloaded while `isBusy()` (a component's effect; browser mode only). */
export function warnBeforeLeaving(isBusy: () => boolean, isBrowser: boolean): void {
  const hold = leaveWarning(isBrowser, window);
  $effect(() => hold(isBusy()));
}
