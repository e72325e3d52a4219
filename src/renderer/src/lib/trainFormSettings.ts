// The provider and CPU threads saved on the Settings screen, in the Train form: taken as they
// are read or change while the form is open (a box changed by hand keeps what was typed), and
// where the two boxes start from, in words.

import { autoFallbackNote, defaultRunProvider, type RunPresetName } from '../../../shared/contract/runs';
import type { AppSettings, ProviderStatus } from '../../../shared/contract/system';
import { sentenceCase } from '../../../shared/format';
import type { TrainForm } from './trainForm';

/**
 * The saved provider (under 'auto': the chosen preset's) and CPU threads, once they are loaded
 * (the machine's probe can take seconds). With `asOpened`, the two boxes as the form opened:
 * a box changed by hand meanwhile keeps what was typed.
 */
export function applySettings(
  form: TrainForm,
  settings: AppSettings,
  providers?: readonly ProviderStatus[],
  asOpened?: Pick<TrainForm, 'provider' | 'threads'>,
): TrainForm {
  const provider = defaultRunProvider(settings.provider, form.preset ?? undefined, providers);
  return {
    ...form,
    provider: asOpened && form.provider !== asOpened.provider ? form.provider : provider,
    threads: asOpened && form.threads !== asOpened.threads ? form.threads : settings.cpuThreads,
  };
}

/** The two boxes the saved settings fill. */
export type SettingsBoxes = Pick<TrainForm, 'provider' | 'threads'>;

/**
 * The saved settings taken as they are read or change while the form is open: the form after
 * them (a box changed by hand since `asOpened` keeps what was typed), and the provider and
 * threads they set, which are `asOpened` at the next change.
 */
export function followSettings(
  form: TrainForm,
  settings: AppSettings,
  providers: readonly ProviderStatus[] | undefined,
  asOpened: SettingsBoxes,
): { form: TrainForm; fromSettings: SettingsBoxes } {
  const { provider, threads } = applySettings(form, settings, providers);
  return { form: applySettings(form, settings, providers, asOpened), fromSettings: { provider, threads } };
}

/**
 * Where the provider and CPU threads boxes start from, in words (shown beside them), with why
 * 'auto' took the CPU for `preset` on this machine when it did (`providers`: its probe).
 */
export function describeSavedSettings(
  settings: AppSettings | undefined,
  preset?: RunPresetName,
  providers?: readonly ProviderStatus[],
): string {
  if (settings === undefined) return 'The saved provider and CPU threads could not be read; these are the defaults.';
  const provider = settings.provider === 'auto' ? describeAuto(preset, providers) : settings.provider;
  const fallback = autoFallbackNote(settings.provider, preset, providers);
  return (
    `From Settings: provider ${provider}, CPU threads ${settings.cpuThreads} (0: onnxruntime picks, one per core). ` +
    (fallback ? `${sentenceCase(fallback)}. ` : '') +
    'A change here is for this run only.'
  );
}

/** What 'auto' takes: for `preset` on this machine once both are known, else the presets' rule. */
function describeAuto(preset: RunPresetName | undefined, providers: readonly ProviderStatus[] | undefined): string {
  if (preset === undefined || providers === undefined) return "auto (the preset's: CPU for quick, WebGPU for standard)";
  return `auto (takes ${defaultRunProvider('auto', preset, providers)} for the ${preset} preset here)`;
}
