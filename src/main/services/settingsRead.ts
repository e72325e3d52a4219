// The stored settings read back for the system service: the app settings (provider, CPU threads)
// and the port `spanfill serve` last listened on. What the store holds may not be what a save
// would write (edited by hand, cut short, written by another version): such a value is not an
// error that stops the app, the settings command or a run, but reads as its default with a
// warning that names it, the database holding it, and how to replace it (saving settings).

import path from 'node:path';
import { appSettingsFields, defaultAppSettings, providerChoices, type AppSettings } from '../../shared/contract/system';
import { databaseFileName } from '../store/db';
import type { StoredSetting } from '../store/settings';

type Field = keyof typeof appSettingsFields;

const fieldWords: Readonly<Record<Field, string>> = {
  provider: `one of ${providerChoices.join(', ')}`,
  cpuThreads: `a whole number from ${appSettingsFields.cpuThreads.minValue} to ${appSettingsFields.cpuThreads.maxValue}`,
};

const savedHow = '`spanfill settings`, or the Settings screen';

/** A stored value as the text a warning quotes (short: a hand-edited one may be long). */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Why each field or the whole value does not read as a setting; the fields that fall back. */
function problemsOf(stored: StoredSetting): { problems: string[]; fallen: Field[] } {
  const all = Object.keys(appSettingsFields) as Field[];
  if (stored.state === 'absent') return { problems: [], fallen: [] };
  if (stored.state === 'unreadable') return { problems: [`not JSON: ${stored.reason}`], fallen: all };
  const value = stored.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problems: [`${quoted(value)} is not an object of provider and cpuThreads`], fallen: all };
  const raw = value as Record<string, unknown>;
  // A field left out (an older version's row) is its default without a word.
  const fallen = all.filter(
    (field) => raw[field] !== undefined && !appSettingsFields[field].safeParse(raw[field]).success,
  );
  return { problems: fallen.map((field) => `${field} ${quoted(raw[field])} is not ${fieldWords[field]}`), fallen };
}

/** "provider auto, CPU threads 0" for the fields given, at their defaults. */
function defaultsOf(fields: readonly Field[]): string {
  const { provider, cpuThreads } = defaultAppSettings;
  const words: Record<Field, string> = { provider: `provider ${provider}`, cpuThreads: `CPU threads ${cpuThreads}` };
  return fields.map((field) => words[field]).join(', ');
}

/**
 * The app settings `stored` holds, each field that does not read as one at its default; with a
 * `warning` when any fell back (in `dataDir`'s database).
 */
export function readAppSettings(stored: StoredSetting, dataDir: string): AppSettings {
  const { problems, fallen } = problemsOf(stored);
  const raw = stored.state === 'stored' ? (stored.value as Partial<Record<Field, unknown>> | null) : undefined;
  const pick = <F extends Field>(field: F): AppSettings[F] =>
    fallen.includes(field) || raw?.[field] === undefined ? defaultAppSettings[field] : (raw[field] as AppSettings[F]);
  const settings: AppSettings = { provider: pick('provider'), cpuThreads: pick('cpuThreads') };
  if (problems.length === 0) return settings;
  const warning =
    `The saved settings in ${path.join(dataDir, databaseFileName)} cannot be read (${problems.join('; ')}); ` +
    `using ${defaultsOf(fallen)} (${fallen.length === 1 ? 'the default' : 'the defaults'}) until settings are saved again (${savedHow}), which replaces them.`;
  return { ...settings, warning };
}

/** The port `stored` holds; a value that is not one is none, with a `warning` saying so. */
export function readServedPort(stored: StoredSetting, dataDir: string): { port?: number; warning?: string } {
  if (stored.state === 'absent') return {};
  const port = stored.state === 'stored' ? stored.value : undefined;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65_535) return { port };
  const problem = stored.state === 'unreadable' ? `not JSON: ${stored.reason}` : `${quoted(port)} is not a port`;
  return {
    warning:
      `The port last served on, kept in ${path.join(dataDir, databaseFileName)}, cannot be read (${problem}); ` +
      'serving on a free port, which is kept in its place.',
  };
}
