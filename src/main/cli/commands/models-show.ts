// `spanfill models show MODEL` in text: one model as models.show describes it (id, name, where it
// came from, folder, size, whether its folder reads or lacks a tokenizer, shape, tokenizer, the
// runs started from it), a line each.

import type { ModelArchitecture, ModelDetails, ModelProblem, ModelTokenizer } from '../../../shared/contract/models';
import { formatBytes, plural } from '../../../shared/format';
import { formatPairs, localTimestamp } from '../output';

function describeSource(d: ModelDetails): string {
  const s = d.source;
  switch (s.kind) {
    case 'builtin':
      return 'built into Spanfill (seeded random weights; written out under the data directory when first used)';
    case 'hub':
      return `pulled from the Hugging Face Hub: ${s.repoId}@${s.revision} (commit ${s.commit})`;
    case 'folder':
      return d.id === null ? 'a folder no model is registered from' : `imported folder ${s.path}`;
    case 'run':
      return s.runId === null ? 'a training run' : `training run ${s.runId}`;
  }
}

function describeArchitecture(a: ModelArchitecture): string {
  return (
    `${a.modelType}: d_model ${a.dModel}, d_ff ${a.dFf}, d_kv ${a.dKv}, ${plural(a.numHeads, 'head')}, ` +
    `${a.numLayers} encoder + ${a.numDecoderLayers} decoder layers, vocabulary ${a.vocabSize.toLocaleString('en')}, ` +
    `${a.feedForward} feed-forward, ${a.tiedEmbeddings ? 'tied' : 'untied'} embeddings`
  );
}

function describeTokenizer(t: ModelTokenizer | null, isAvailable: boolean): string {
  if (t === null) return isAvailable ? 'none found' : '- (the folder is not there)';
  const named = t.className === null ? '' : ` (${t.className})`;
  if (t.model === null) return `ByT5 bytes, every UTF-8 byte one token${named}, no tokenizer.json`;
  return t.isByteLevel ? `${t.model} over bytes, every UTF-8 byte one token${named}` : `${t.model}${named}`;
}

/**
 * The folder's health: fine; damaged, what using it would meet; or limited, what it lacks and
 * what it is still good for (the problem's message says it). On a line of its own, what to do.
 */
function describeHealth(problem: ModelProblem | null): [string, string][] {
  if (problem === null) return [['Health', "fine: config.json and the weights' headers read"]];
  const health =
    problem.kind === 'limited'
      ? `limited: ${problem.message}`
      : `damaged: ${problem.message}; using it fails until its files are mended or replaced`;
  return [
    ['Health', health],
    ['', problem.action],
  ];
}

/** The lines of `models show`. */
export function renderModelDetails(d: ModelDetails): string {
  const { problem } = d;
  const params = d.architecture.parameterCount;
  const pairs: [string, string][] = [
    ['Model', d.id === null ? `${d.name} (not registered)` : `${d.id}  ${d.name}`],
    ['Source', describeSource(d)],
    ['Folder', d.isAvailable ? d.path : `${d.path} (${d.source.kind === 'builtin' ? 'not written yet' : 'missing'})`],
    ['Size', d.sizeBytes === null ? '-' : formatBytes(d.sizeBytes)],
  ];
  if (d.createdAt !== null) pairs.push(['Registered', localTimestamp(d.createdAt)]);
  if (d.isAvailable) pairs.push(...describeHealth(problem));
  // A registered model's shape is its row's: say so when its folder no longer agrees.
  const asRegistered = problem?.kind === 'damaged' && d.id !== null ? ' (as registered)' : '';
  pairs.push(
    ['Architecture', describeArchitecture(d.architecture) + asRegistered],
    ['Parameters', `${params.toLocaleString('en')} (${(params / 1e6).toFixed(1)}M)`],
    ['Tokenizer', describeTokenizer(d.tokenizer, d.isAvailable)],
  );
  const runs = d.runs.map((r) => `${r.id}  ${r.status.padEnd(11)}  ${r.name}`);
  runs.forEach((line, i) => pairs.push([i === 0 ? 'Runs' : '', line]));
  if (runs.length === 0) pairs.push(['Runs', 'none started from it']);
  return formatPairs(pairs);
}
