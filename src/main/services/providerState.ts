// Whether an execution provider loads on this machine, from the system service's probe, in the
// words a run's refusal (runsPrepare.ts checkProvider) and `spanfill settings provider P`'s note
// both use. Pure: the caller probes (system.info).

import type { SystemInfo } from '../../shared/contract';

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
