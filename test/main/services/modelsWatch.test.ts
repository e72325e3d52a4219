// The models watcher over a real store, with the rows another process's `spanfill models import`
// or `models rm` writes: a model registered there is announced ready, one removed there deleted,
// once each; what the store held when watching began is not, nor what the models service here
// announced itself.
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../../src/shared/events';
import { openStore } from '../../../src/main/store/db';
import { ModelRepository } from '../../../src/main/store/models';
import { EventBus } from '../../../src/main/services/events';
import { ModelsWatcher } from '../../../src/main/services/modelsWatch';
import { tempDirs } from '../../support/tmp';
import { modelRow as model } from './watch-support';

const tempDir = tempDirs('spanfill-models-watch-');

describe('ModelsWatcher', () => {
  it("announces another process's registered and removed models, once each", () => {
    const store = openStore(tempDir());
    const repo = new ModelRepository(store.db);
    const events = new EventBus();
    const heard: [EventName, unknown][] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const watcher = new ModelsWatcher({ repo, events });
    try {
      repo.add(model('m-old'));
      watcher.start(3_600_000); // only the looks below
      watcher.poll();
      expect(heard).toEqual([]);
      repo.add(model('m-new'));
      watcher.poll();
      watcher.poll();
      repo.remove('m-old');
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([
        ['models.statusChanged', { modelId: 'm-new', status: 'ready' }],
        ['models.statusChanged', { modelId: 'm-old', status: 'deleted' }],
      ]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says nothing again of a model the models service here registered or removed', () => {
    const store = openStore(tempDir());
    const repo = new ModelRepository(store.db);
    const events = new EventBus();
    const heard: [EventName, unknown][] = [];
    const watcher = new ModelsWatcher({ repo, events });
    try {
      repo.add(model('m-old'));
      watcher.start(3_600_000);
      events.subscribe((name, payload) => heard.push([name, payload]));
      // As ModelService does: the store written, then the event sent.
      repo.add(model('m-new'));
      events.emit('models.statusChanged', { modelId: 'm-new', status: 'ready' });
      repo.remove('m-old');
      events.emit('models.statusChanged', { modelId: 'm-old', status: 'deleted' });
      heard.length = 0;
      watcher.poll();
      expect(heard).toEqual([]);
    } finally {
      watcher.stop();
      store.close();
    }
  });
});
