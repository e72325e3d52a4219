// Models registered or removed by another process on the same data directory (`spanfill models
// pull`, `models import` or `models rm` in a terminal while the app or `spanfill serve` is open):
// the watcher (rowsWatch.ts) reads the registered models' ids every interval and sends
// models.statusChanged — ready for a new one, deleted for one that is gone — as the models
// service does for its own, so the Models screen and the Playground's picker list what is there;
// what the models service announces itself is heard and not said again here, and what models.list
// answers is a look (listedRows.ts).
// (A model is registered only once it is whole, so there is no 'downloading' row to see.)

import type { ModelSummary } from '../../shared/contract/models';
import type { EventMap } from '../../shared/events';
import type { ModelRepository } from '../store/models';
import type { EventBus } from './events';
import { watchListed } from './listedRows';
import { RowsWatcher, type RowsListen, type RowState } from './rowsWatch';

export class ModelsWatcher extends RowsWatcher<RowState> {
  constructor(deps: { readonly repo: ModelRepository; readonly events: EventBus }) {
    const { repo, events } = deps;
    super(
      () => repo.states(),
      {
        status: ({ id }) => events.emit('models.statusChanged', { modelId: id, status: 'ready' }),
        renamed: () => undefined, // (a registered model keeps the name it was given)
        removed: (id) => events.emit('models.statusChanged', { modelId: id, status: 'deleted' }),
      },
      hearModels(events),
      (look) =>
        watchListed<ModelSummary>(repo, (models) =>
          look(models.map(({ id, name }) => ({ id, status: 'ready', name }))),
        ),
    );
  }
}

/** The models service's own announcements: registered (ready) or removed (deleted). */
function hearModels(events: EventBus): RowsListen {
  return (heard) =>
    events.subscribe((event, payload) => {
      if (event !== 'models.statusChanged') return;
      const { modelId, status } = payload as EventMap['models.statusChanged'];
      if (status === 'ready') heard(modelId, { status });
      else if (status === 'deleted') heard(modelId, 'removed');
    });
}
