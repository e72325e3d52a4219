// The list of `spanfill` subcommands. To add one: write src/main/cli/commands/<name>.ts
// exporting a Command (see command.ts and commands/system.ts), then add it here — one line.
// Help output follows this order.

import type { Command } from './command';
import { benchCommand } from './commands/bench';
import { datasetsCommand } from './commands/datasets';
import { fillCommand } from './commands/fill';
import { importCommand } from './commands/import';
import { maskCommand } from './commands/mask';
import { modelsCommand } from './commands/models';
import { scoreCommand } from './commands/score';
import { serveCommand } from './commands/serve';
import { systemCommand } from './commands/system';

export const commands: readonly Command[] = [
  serveCommand,
  systemCommand,
  importCommand,
  datasetsCommand,
  modelsCommand,
  maskCommand,
  scoreCommand,
  fillCommand,
  benchCommand,
];
