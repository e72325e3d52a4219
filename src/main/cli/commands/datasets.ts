// `spanfill datasets [list | show ID | rm ID]`: the datasets in the store, one in detail
// (stats and the first documents), or removing one with its token caches. NOTE: rm asks no
// question (scripts run it); it names what it deleted so a wrong id is noticed at once.

import type { DatasetDetail, DatasetRemoved, DatasetSummary } from '../../../shared/contract/datasets';
import { datasetServiceFor } from '../../services/datasets';
import { defineCommand, UsageError } from '../command';
import { renderDataset } from './import';

type DatasetsResult =
  | { readonly action: 'list'; readonly datasets: readonly DatasetSummary[] }
  | { readonly action: 'show'; readonly dataset: DatasetDetail }
  | ({ readonly action: 'rm' } & DatasetRemoved);

export const datasetsCommand = defineCommand({
  name: 'datasets',
  summary: 'List datasets, show one, or remove one',
  usage: 'spanfill datasets [list | show ID | rm ID] [--json]',
  options: {},
  async run(context): Promise<DatasetsResult> {
    const [action = 'list', id, ...extra] = context.positionals;
    const service = datasetServiceFor(context.app());
    if (extra.length > 0) throw new UsageError(`datasets ${action}: unexpected '${extra.join(' ')}'`);
    if (action === 'list') {
      if (id !== undefined) throw new UsageError(`datasets list takes no id; did you mean 'datasets show ${id}'?`);
      return { action, datasets: service.list() };
    }
    if (action !== 'show' && action !== 'rm') {
      throw new UsageError(`datasets needs one of: list, show ID, rm ID; got '${action}'`);
    }
    if (id === undefined) throw new UsageError(`datasets ${action} needs a dataset id`);
    return action === 'show' ? { action, dataset: service.get(id) } : { action, ...service.remove(id) };
  },
  render(result) {
    const r = result as DatasetsResult;
    if (r.action === 'rm') {
      const caches = r.tokenCaches === 1 ? '1 token cache' : `${r.tokenCaches} token caches`;
      return `Removed ${r.id} "${r.name}": ${r.documents} document${r.documents === 1 ? '' : 's'} and ${caches}`;
    }
    if (r.action === 'show') {
      const lines = [renderDataset(r.dataset), '', 'First documents:'];
      for (const d of r.dataset.sample)
        lines.push(`  #${d.ordinal} (${d.chars} chars) ${JSON.stringify(d.text.slice(0, 200))}`);
      return lines.join('\n');
    }
    if (r.datasets.length === 0) return 'No datasets yet; `spanfill import FILE` adds one.';
    return r.datasets
      .map((d) => `${d.id}  ${d.status.padEnd(9)}  ${String(d.stats?.documents ?? '-').padStart(8)} docs  ${d.name}`)
      .join('\n');
  },
});
