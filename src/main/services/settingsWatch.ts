// The saved settings changed by another process on the same data directory (`spanfill settings
// provider cpu` in a terminal while the app or `spanfill serve` is open): the watcher reads them
// every interval and sends system.settingsChanged, as the system service does for a save here, so
// an open Settings screen or Train form follows. The generic rows watcher (rowsWatch.ts) compares
// one row whose status is the settings' JSON text; a save here is heard and not said again.

import type { AppSettings } from '../../shared/contract/system';
import type { EventBus } from './events';
import { RowsWatcher, type RowsListen, type RowState } from './rowsWatch';

const rowId = 'settings';

const rowOf = (settings: AppSettings): RowState => ({ id: rowId, status: JSON.stringify(settings), name: '' });

export class SettingsWatcher extends RowsWatcher<RowState> {
  constructor(deps: { readonly settings: () => AppSettings; readonly events: EventBus }) {
    const { settings, events } = deps;
    super(
      () => [rowOf(settings())],
      {
        status: ({ status }) => events.emit('system.settingsChanged', JSON.parse(status) as AppSettings),
        renamed: () => undefined, // (the one row has no name)
        removed: () => undefined, // (settings never go: absent ones read as the defaults)
      },
      hearSettings(events),
    );
  }
}

/** The system service's own saves. */
function hearSettings(events: EventBus): RowsListen {
  return (heard) =>
    events.subscribe((event, payload) => {
      if (event === 'system.settingsChanged') heard(rowId, { status: rowOf(payload as AppSettings).status });
    });
}
