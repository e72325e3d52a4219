// Datasets imported by another process on the same data directory (a `spanfill import` in a
// terminal while the app or `spanfill serve` is open): the watcher reads their ids and statuses
// every interval and sends datasets.statusChanged for each new one or changed status, as an
// import in this process does, so an open Datasets screen lists it, datasets.renamed for a new
// name and datasets.removed for one that is gone. (What this process does is announced twice:
// once by its service, once here; the screens only reload, rename or drop.)

import type { DatasetRepository } from '../store/datasets';
import type { EventBus } from './events';
import { goneFrom, pollEvery } from './pollEvery';

export class DatasetsWatcher {
  private readonly seen = new Map<string, { status: string; name: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { readonly repo: DatasetRepository; readonly events: EventBus }) {}

  /** Takes what the store holds now as known, then looks again every `intervalMs`. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    for (const { id, status, name } of this.deps.repo.states()) this.seen.set(id, { status, name });
    this.timer = pollEvery(intervalMs, () => this.poll());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the store (the timer's; tests call it directly). */
  poll(): void {
    const states = this.deps.repo.states();
    for (const { id, status, name } of states) {
      const seen = this.seen.get(id);
      this.seen.set(id, { status, name });
      if (seen && seen.name !== name) this.deps.events.emit('datasets.renamed', { datasetId: id, name });
      if (seen?.status !== status) this.deps.events.emit('datasets.statusChanged', { datasetId: id, status });
    }
    for (const id of goneFrom(this.seen, states)) this.deps.events.emit('datasets.removed', { datasetId: id });
  }
}
