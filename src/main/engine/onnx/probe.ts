// Which onnxruntime execution providers load on this machine: a one-node graph (built with
// the graph builder) is opened on each provider with CPU fallback disabled. Runs inside the
// engine host, never in main (a driver fault must only take the host down). WebGPU that loads
// with no GPU on the machine is marked software (gpuDevices.ts).

import { gpuDeviceNodes, softwareWebGpuReason } from './gpuDevices';
import { Graph } from './graph';
import { neg } from './ops/elementwise';
import { serializeModel } from './serialize';
import { EngineSession, ortVersion, PROVIDERS, supportedProviders } from './session';
import { providerHint } from './providers';
import { ortTelemetryState } from './telemetry';
import type { OrtTelemetry } from '../../../shared/contract/system';

export interface ProviderProbe {
  name: string;
  available: boolean;
  /** Loads, but on a software driver on the CPU (WebGPU with no GPU found); `reason` says so. */
  isSoftware?: boolean;
  reason?: string;
}

export interface ProbeResult {
  ortVersion: string;
  providers: ProviderProbe[];
  /** As this process has it after its sessions (EngineSession.create keeps it off). */
  ortTelemetry: OrtTelemetry;
}

function probeModel(): Uint8Array {
  const g = new Graph('probe');
  g.output(neg(g.input('x', 'float32', [1])), 'y');
  return serializeModel(g);
}

/** `nodes`: the GPU device nodes found (gpuDevices.ts; given in tests). */
export async function probeProviders(nodes: readonly string[] = gpuDeviceNodes()): Promise<ProbeResult> {
  const model = probeModel();
  const bundled = supportedProviders();
  const providers: ProviderProbe[] = [];
  for (const name of PROVIDERS) {
    if (!bundled.has(name)) {
      const reason = `not built into onnxruntime-node for ${process.platform}-${process.arch}`;
      providers.push({ name, available: false, reason });
      continue;
    }
    const session = await EngineSession.create(model, { providers: [name] });
    const isAvailable = session.placement.provider === name;
    await session.release();
    const software = name === 'webgpu' ? softwareWebGpuReason(process.platform, nodes) : undefined;
    providers.push(
      !isAvailable
        ? // Why it did not load, without the session's note that the CPU runs instead: a probe runs nothing.
          { name, available: false, reason: session.placement.reasons.join('; ') || providerHint(name) }
        : software
          ? { name, available: true, isSoftware: true, reason: software }
          : { name, available: true },
    );
  }
  return { ortVersion: ortVersion(), providers, ortTelemetry: ortTelemetryState() };
}
