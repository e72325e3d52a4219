// Datasets imported by another process on the same data directory (a `spanfill import` in a
// terminal while the app or `spanfill serve` is open): the watcher reads their ids and statuses
// every interval and sends datasets.statusChanged for each new one or changed status, as an
// import in this process does, so an open Datasets screen lists it. (One this process imports
// is announced twice: once by its import, once here; the screens only reload the list.)

import type { DatasetRepository } from '../store/datasets';
import type { EventBus } from './events';
import { pollEvery } from './pollEvery';

export class DatasetsWatcher {
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { readonly repo: DatasetRepository; readonly events: EventBus }) {}

  /** Takes what the store holds now as known, then looks again every `intervalMs`. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    for (const { id, status } of this.deps.repo.states()) this.seen.set(id, status);
    this.timer = pollEvery(intervalMs, () => this.poll());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the store (the timer's; tests call it directly). */
  poll(): void {
    for (const { id, status } of this.deps.repo.states()) {
      if (this.seen.get(id) === status) continue;
      this.seen.set(id, status);
      this.deps.events.emit('datasets.statusChanged', { datasetId: id, status });
    }
  }
}
