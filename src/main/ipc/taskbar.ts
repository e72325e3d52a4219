// The taskbar button (Windows, Linux) or dock icon (macOS) shows a training run's progress, as
// the window title does in the renderer (lib/title.ts): seen with the window in the background.

import type { EventMap, EventName } from '../../shared/events';
import type { EventBus } from '../services/events';

/** What BrowserWindow offers for it (a stand-in in tests). */
export interface ProgressWindow {
  setProgressBar(progress: number): void;
}

/** The bar for an event: 0–1 while a run trains, -1 (no bar) when one stops; undefined: no change. */
export function taskbarProgress<E extends EventName>(name: E, payload: EventMap[E]): number | undefined {
  if (name === 'runs.progress') {
    const { step, totalSteps } = payload as EventMap['runs.progress'];
    return totalSteps > 0 ? Math.min(1, step / totalSteps) : undefined;
  }
  if (name === 'runs.statusChanged')
    return (payload as EventMap['runs.statusChanged']).status === 'running' ? undefined : -1;
  return undefined;
}

/** Keeps every window's bar on the training run's progress; returns the unsubscribe. */
export function showTrainingProgress(events: EventBus, windows: () => readonly ProgressWindow[]): () => void {
  return events.subscribe((name, payload) => {
    const progress = taskbarProgress(name, payload);
    if (progress !== undefined) for (const window of windows()) window.setProgressBar(progress);
  });
}
