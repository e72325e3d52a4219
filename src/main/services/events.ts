// The in-process event bus behind every transport: services publish typed events here and
// each transport (IPC, WebSocket) subscribes once and forwards them to its clients.

import type { EventMap, EventName } from '../../shared/events';

export type BusListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export class EventBus {
  private readonly listeners = new Set<BusListener>();

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        // One broken subscriber (a closed socket) must not stop the others.
        console.error(`Event listener for ${event} failed:`, error);
      }
    }
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
