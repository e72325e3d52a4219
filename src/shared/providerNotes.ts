// What the saved execution provider does on this machine, in the words `spanfill settings` and
// the Settings screen share: one that does not load (a new run that takes it is refused, as
// runsPrepare.ts checkProvider refuses it), one that runs in software, and what 'auto' takes for
// each preset (the runs service's own rule: contract/runs.ts defaultRunProvider). Pure: the
// caller probes (system.info's providers).

import { autoFallbackNote, defaultRunProvider, RUN_PRESETS } from './contract/runs';
import type { ProviderStatus, SystemInfo } from './contract/system';
import { sentenceCase } from './format';

/**
 * What the machine's probe says of `provider` where it does not load (isAvailable false) or runs
 * in software, in the words checkProvider refuses or notes it with; undefined where it loads on
 * its device (and for cpu, which always loads).
 */
export function providerState(
  info: Pick<SystemInfo, 'providers'>,
  provider: string,
): { readonly isAvailable: boolean; readonly words: string } | undefined {
  if (provider === 'cpu') return undefined;
  const probe = info.providers.find((p) => p.name === provider);
  if (probe?.available)
    return probe.isSoftware
      ? { isAvailable: true, words: `provider ${provider} runs in software here: ${probe.reason}` }
      : undefined;
  const why = probe?.reason ? ` (${probe.reason})` : '';
  return { isAvailable: false, words: `provider '${provider}' is not available on this machine${why}` };
}

/** What to do about a saved provider that does not load, in the caller's terms (a command's flags, a screen's controls). */
export interface ProviderWhatToDo {
  /** Where to see which providers load here. */
  readonly whatLoads: string;
  /** How to train all the same. */
  readonly instead: string;
  /** Said as it is saved (it is saved all the same: the data directory may be used on a machine where it loads). */
  readonly isJustSaved?: boolean;
}

/**
 * Where the saved `provider` does not load here (isRefused: a new run that takes it is refused
 * until it loads) or runs in software, what the probe says and what new runs do; undefined where
 * it loads on its device (auto and cpu always do).
 */
export function savedProviderNote(
  providers: readonly ProviderStatus[],
  provider: string,
  whatToDo: ProviderWhatToDo,
): { readonly isRefused: boolean; readonly text: string } | undefined {
  if (provider === 'auto') return undefined;
  const state = providerState({ providers }, provider);
  if (state === undefined) return undefined;
  const saved = whatToDo.isJustSaved ? 'saved all the same: ' : '';
  const runs = 'a new run that takes the saved provider';
  return state.isAvailable
    ? { isRefused: false, text: `${state.words}; ${saved}${runs} trains in software here` }
    : {
        isRefused: true,
        text: `${state.words}; ${saved}${runs} is refused here until it loads (${whatToDo.whatLoads}); ${whatToDo.instead}`,
      };
}

/**
 * What 'auto' takes for each preset on this machine (`providers`: its probe; undefined before
 * it), then why it takes the CPU where it does, in sentences: "quick trains on cpu, standard on
 * cpu. Provider auto takes the CPU here, not webgpu: …".
 */
export function describeAutoHere(providers: readonly ProviderStatus[] | undefined): string {
  const taken = RUN_PRESETS.map((preset, index) => {
    const provider = defaultRunProvider('auto', preset, providers);
    const unprobed = providers === undefined && provider !== 'cpu' ? ' where it runs on a GPU, else on cpu' : '';
    return `${preset} ${index === 0 ? 'trains ' : ''}on ${provider}${unprobed}`;
  });
  const notes = new Set(RUN_PRESETS.flatMap((preset) => autoFallbackNote('auto', preset, providers) ?? []));
  return [taken.join(', '), ...[...notes].map(sentenceCase)].map((sentence) => `${sentence}.`).join(' ');
}
