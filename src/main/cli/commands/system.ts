// `spanfill system`: what `system.info` returns — versions, data directory, whether
// onnxruntime's telemetry is off, CPU threads and which onnxruntime execution providers load
// here. The same call backs the Settings panel.

import type { SystemInfo } from '../../../shared/contract';
import { describeOrtTelemetry } from '../../../shared/contract/system';
import { unwrapEnvelope } from '../../../shared/errors';
import { defineCommand } from '../command';
import { formatPairs } from '../output';

export const systemCommand = defineCommand({
  name: 'system',
  summary: 'Show versions, the data directory and which execution providers work here',
  usage: 'spanfill system',
  description:
    'Probes onnxruntime in an engine host process: the CPU provider, WebGPU, CUDA and DirectML\n' +
    'are each tried with a one-node model, and a provider that fails says why. Telemetry says\n' +
    "whether onnxruntime's own usage telemetry is off (Spanfill sets ORT_DISABLE_TELEMETRY=1 unless\n" +
    'you set that variable yourself; set but empty counts as unset).',
  // NOTE: no --refresh: the probe is cached per process (services/system.ts), and each command
  // is a process of its own that probes afresh; system.info's refresh is for the app.
  options: {},
  async run(context) {
    const app = context.app();
    const envelope = await app.call('system.info', {});
    return unwrapEnvelope(envelope) as SystemInfo;
  },
  render(result) {
    return renderSystemInfo(result as SystemInfo);
  },
});

export function renderSystemInfo(info: SystemInfo): string {
  const runtime = info.electronVersion ? `Electron ${info.electronVersion}` : `Node ${info.nodeVersion}`;
  const lines = [
    formatPairs([
      ['Spanfill', info.appVersion],
      ['Data directory', info.dataDir],
      ['Schema version', String(info.schemaVersion)],
      ['onnxruntime', info.ortVersion],
      ...(info.ortTelemetry ? [['Telemetry', describeOrtTelemetry(info.ortTelemetry)] as const] : []),
      // The machine's, not how many a run takes (`spanfill settings`, which shows its own "CPU threads").
      ['CPU threads', `${info.cpuThreads} (this machine's logical CPUs; how many a run takes: \`spanfill settings\`)`],
      ['Platform', `${info.platform}-${info.arch}, ${runtime}`],
    ]),
    '',
    'Execution providers:',
  ];
  const width = Math.max(0, ...info.providers.map((provider) => provider.name.length));
  for (const provider of info.providers) {
    const state = !provider.available
      ? `not available — ${provider.reason ?? 'unknown reason'}`
      : provider.isSoftware
        ? `available, in software — ${provider.reason ?? 'on the CPU'}`
        : 'available';
    lines.push(`  ${provider.name.padEnd(width)}  ${state}`);
  }
  if (info.probeError) lines.push(`  (could not probe: ${info.probeError})`);
  return lines.join('\n');
}
