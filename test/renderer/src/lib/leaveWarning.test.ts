// leaveWarning.svelte.ts: in browser mode, while an upload or import of this page runs, a
// beforeunload asks the browser to confirm leaving (its default prevented, returnValue set for
// older browsers), and the handler goes once it ends; when nothing runs, and always in the desktop
// app (where it would keep the window from closing, without a word), there is none.

import { describe, expect, it } from 'vitest';
import { leaveWarning } from '../../../../src/renderer/src/lib/leaveWarning.svelte';

/** A beforeunload as a browser fires it: cancelable, its returnValue writable (Node's Event has a getter only). */
class BeforeUnload extends Event {
  override returnValue = false;
  constructor() {
    super('beforeunload', { cancelable: true });
  }
}

/** Fires a beforeunload on `target`; whether leaving would be asked about. */
function asks(target: EventTarget): boolean {
  const event = new BeforeUnload();
  target.dispatchEvent(event);
  return event.defaultPrevented && event.returnValue;
}

describe('leaveWarning', () => {
  it('asks before leaving while busy in browser mode, and no more once the work has ended', () => {
    const page = new EventTarget();
    const end = leaveWarning(true, page)(true);
    expect(asks(page)).toBe(true);
    expect(end).toBeTypeOf('function');
    end?.();
    expect(asks(page)).toBe(false);
  });

  it('adds nothing when nothing runs', () => {
    const page = new EventTarget();
    expect(leaveWarning(true, page)(false)).toBeUndefined();
    expect(asks(page)).toBe(false);
  });

  it('adds nothing in the desktop app, busy or not: its window closes as it always has', () => {
    const page = new EventTarget();
    expect(leaveWarning(false, page)(true)).toBeUndefined();
    expect(asks(page)).toBe(false);
  });
});
