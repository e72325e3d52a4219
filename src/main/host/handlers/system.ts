// System handlers in the host: probing onnxruntime's execution providers happens here
// because loading a GPU provider can crash or hang, and only the host may take that risk.

import { probeProviders } from '../../engine/onnx/probe';
import type { HostHandlerMap } from '../handler';

export const systemHostHandlers: HostHandlerMap = {
  'system.probeProviders': async () => probeProviders(),
};
