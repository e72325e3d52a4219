// Which onnxruntime execution providers load on this machine: a one-node graph (built with
// the graph builder) is opened on each provider with CPU fallback disabled. Runs inside the
// engine host, never in main (a driver fault must only take the host down).

import { Graph } from './graph';
import { neg } from './ops/elementwise';
import { serializeModel } from './serialize';
import { EngineSession, ortVersion, PROVIDER_HINTS, PROVIDERS, supportedProviders } from './session';

export interface ProviderProbe {
  name: string;
  available: boolean;
  reason?: string;
}

export interface ProbeResult {
  ortVersion: string;
  providers: ProviderProbe[];
}

function probeModel(): Uint8Array {
  const g = new Graph('probe');
  g.output(neg(g.input('x', 'float32', [1])), 'y');
  return serializeModel(g);
}

export async function probeProviders(): Promise<ProbeResult> {
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
    providers.push(
      isAvailable
        ? { name, available: true }
        : { name, available: false, reason: session.placement.message || PROVIDER_HINTS[name] },
    );
  }
  return { ortVersion: ortVersion(), providers };
}
