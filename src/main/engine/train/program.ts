// The one way engine/train compiles a T5 training program: t5TrainingSpec (with its
// deterministic dropout) plus the optimizer settings, through optim.compile.

import type { ProviderName } from '../onnx/session';
import type { OptimizerConfig } from '../optim/optimizer';
import type { TrainingProgram } from '../optim/trainingProgram';
import { compile } from '../optim/program';
import type { ScheduleConfig } from '../optim/schedule';
import type { T5Config } from '../t5/config';
import type { T5Shapes } from '../t5/model';
import { t5TrainingSpec } from '../t5/training';

export interface T5ProgramSettings {
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  readonly clipNorm?: number;
  readonly dropoutRate: number;
  /** Seeds the dropout masks (with the step, micro-batch, site and position). */
  readonly seed?: number;
  readonly accumulation?: number;
  /** Optimizer steps per call. */
  readonly k: number;
  readonly providers?: readonly ProviderName[];
  readonly intraOpThreads?: number;
}

export function compileT5Program(
  config: T5Config,
  shapes: T5Shapes,
  settings: T5ProgramSettings,
): Promise<TrainingProgram> {
  const { dropoutRate, seed } = settings;
  return compile({
    ...t5TrainingSpec(config, shapes, { dropoutRate, seed }),
    optimizer: settings.optimizer,
    schedule: settings.schedule,
    clipNorm: settings.clipNorm,
    accumulation: settings.accumulation,
    k: settings.k,
    providers: settings.providers,
    intraOpThreads: settings.intraOpThreads,
  });
}
