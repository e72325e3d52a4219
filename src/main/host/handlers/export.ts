// Export handlers in the engine host: building ONNX graphs and writing model files are seconds
// to minutes of CPU and large writes, so they run here, not in main. The service owns the
// destination (a temp folder it renames when all is written); this writes into `dir`.
// Progress goes to main as 'export.progress' host events; a cancel aborts between files.

import type { ExportFormat } from '../../../shared/contract/export';
import { ApiError } from '../../../shared/errors';
import { writeAccelerateJob, type AccelerateRunConfig } from '../../engine/export/accelerate';
import { ExportError } from '../../engine/export/folder';
import { exportHfFolder, type ExportProgress } from '../../engine/export/hf';
import { exportTransformersJs } from '../../engine/export/transformersjs';
import { isModelInputError } from '../../engine/inputErrors';
import type { HostHandlerMap } from '../handler';

export interface ExportWritePayload {
  readonly format: ExportFormat;
  /** Absolute model or checkpoint folder. */
  readonly sourceDir: string;
  /** Absolute, existing, empty folder (the service's temp folder). */
  readonly dir: string;
  readonly quantize?: 'int8';
  /** accelerate: the settings and the document counts already written to data/*.jsonl. */
  readonly accelerate?: { readonly config: AccelerateRunConfig; readonly train: number; readonly validation: number };
}

declare module '../protocol' {
  interface HostRequests {
    /** Writes an export of `sourceDir` into `dir`. */
    'export.write': { payload: ExportWritePayload; result: Record<string, never> };
  }
  interface HostEvents {
    'export.progress': ExportProgress & { readonly format: ExportFormat };
  }
}

async function write(payload: ExportWritePayload, signal: AbortSignal, onProgress: (p: ExportProgress) => void) {
  const options = { signal, onProgress };
  if (payload.format === 'hf') return exportHfFolder(payload.sourceDir, payload.dir, options);
  if (payload.format === 'transformers.js')
    return exportTransformersJs(payload.sourceDir, payload.dir, { ...options, quantize: payload.quantize });
  const job = payload.accelerate;
  if (!job) throw new ApiError('invalid_input', 'An accelerate export needs the run configuration');
  return writeAccelerateJob(payload.sourceDir, payload.dir, job.config, job, options);
}

export const exportHostHandlers: HostHandlerMap = {
  'export.write': async (payload, { signal, emit }) => {
    try {
      await write(payload, signal, (p) => emit('export.progress', { ...p, format: payload.format }));
      return {};
    } catch (error) {
      if (error instanceof ExportError || isModelInputError(error) || error instanceof RangeError)
        throw new ApiError('invalid_input', (error as Error).message);
      throw error;
    }
  },
};
