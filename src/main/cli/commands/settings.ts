// `spanfill settings [provider P] [threads N]`: the saved settings new training runs start from
// (system.settings), or changing them (system.saveSettings), as the Settings screen does.

import { providerChoices, systemCalls, type AppSettings } from '../../../shared/contract/system';
import { unwrapEnvelope } from '../../../shared/errors';
import { defineCommand, UsageError, type CommandContext } from '../command';
import { checkedArgs } from '../options';
import { formatPairs } from '../output';
import { chosenDataDir } from '../nextCommand';
import { spanfillCommand } from '../../../shared/commandText';
import { savedProviderNote } from '../../../shared/providerNotes';
import { threadsOverMachine } from '../../../shared/threads';

/**
 * What `settings` answers: the settings; providerNote when the provider saved does not load here,
 * threadsNote when the threads saved are more than the machine's.
 */
type SettingsResult = AppSettings & { readonly providerNote?: string; readonly threadsNote?: string };

/** `provider P` and `threads N` pairs into system.saveSettings' arguments (its schema checks the values). */
function changesOf(words: readonly string[]): { provider?: string; cpuThreads?: number } {
  if (words.length % 2 !== 0)
    throw new UsageError(`settings takes pairs: provider P, threads N; got '${words.join(' ')}'`);
  const changes: { provider?: string; cpuThreads?: number } = {};
  for (let i = 0; i < words.length; i += 2) {
    const [key, value] = [words[i], words[i + 1]];
    // The last would win without a word: `provider webgpu provider cpu` is most often a slip.
    const earlier = words.findIndex((word, at) => at % 2 === 0 && at < i && word === key);
    if (earlier >= 0)
      throw new UsageError(`${key} is given twice ('${words[earlier + 1]}', then '${value}'); give it once`);
    if (key === 'provider') changes.provider = value;
    else if (key === 'threads') {
      if (!/^\d+$/.test(value))
        throw new UsageError(`threads must be 0 (one per core) or a positive integer; got '${value}'`);
      changes.cpuThreads = Number(value);
    } else throw new UsageError(`unknown setting '${key}'; expected provider or threads`);
  }
  checkedArgs(systemCalls.saveSettings.args, changes, { cpuThreads: 'threads' });
  return changes;
}

/** The settings' warning, when what is stored cannot be read (the defaults stand in), on stderr. */
function sayWarning(context: CommandContext, settings: AppSettings): void {
  if (settings.warning !== undefined) context.status(settings.warning, { force: true });
}

/**
 * Says on stderr when the saved settings cannot be read, for a command that starts work with
 * them (train, serve): it goes on with the defaults.
 */
export function noteUnreadableSettings(context: CommandContext): void {
  sayWarning(context, context.app().system.settings());
}

/**
 * Where `provider` (just saved) does not load on this machine, or runs in software, what the probe
 * says (as a run's refusal says it) and what new runs then do; undefined where it loads (cpu and
 * auto: always, without a probe). It is saved all the same: the data directory may be used on
 * another machine, where it loads.
 */
async function providerNote(context: CommandContext, provider: string): Promise<string | undefined> {
  if (provider === 'auto' || provider === 'cpu') return undefined;
  const system = spanfillCommand('system', chosenDataDir(context));
  return savedProviderNote((await context.app().system.info()).providers, provider, {
    whatLoads: `\`${system}\` says what loads`,
    instead: '`--provider auto` or another provider trains one',
    isJustSaved: true,
  })?.text;
}

/** As the Settings screen says under its threads box: allowed, but more than the machine's only take turns. */
function threadsNote(context: CommandContext, threads: number): string | undefined {
  const note = threadsOverMachine(threads, context.app().system.cpuThreads());
  return note === undefined ? undefined : `threads ${threads}: ${note}`;
}

export const settingsCommand = defineCommand({
  name: 'settings',
  takesArguments: true,
  summary: 'Show or change the provider and CPU threads new training runs start with',
  usage: `spanfill settings [provider ${providerChoices.join('|')}] [threads N]`,
  description:
    'The same settings as the Settings screen, kept in the data directory. A run given --provider or\n' +
    '--threads uses those instead. threads 0: onnxruntime picks (one per core). A provider that does not load\n' +
    'here, or runs in software, is saved all the same, with a note on stderr saying so (--json: providerNote);\n' +
    "so are more threads than the machine's (threadsNote). Each setting is given at most once.",
  options: {},
  async run(context): Promise<SettingsResult> {
    const changes = changesOf(context.positionals);
    const app = context.app();
    const envelope =
      Object.keys(changes).length === 0
        ? await app.call('system.settings', {})
        : await app.call('system.saveSettings', changes);
    const settings = unwrapEnvelope(envelope) as AppSettings;
    sayWarning(context, settings);
    const providerSaid = changes.provider === undefined ? undefined : await providerNote(context, changes.provider);
    const threadsSaid = changes.cpuThreads === undefined ? undefined : threadsNote(context, changes.cpuThreads);
    for (const note of [providerSaid, threadsSaid]) if (note !== undefined) context.status(note, { force: true });
    return {
      ...settings,
      ...(providerSaid === undefined ? {} : { providerNote: providerSaid }),
      ...(threadsSaid === undefined ? {} : { threadsNote: threadsSaid }),
    };
  },
  render(result) {
    const settings = result as AppSettings;
    return formatPairs([
      ['Provider', settings.provider],
      ['CPU threads', settings.cpuThreads === 0 ? '0 (one per core)' : String(settings.cpuThreads)],
    ]);
  },
});
