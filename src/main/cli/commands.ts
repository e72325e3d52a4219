// The list of `spanfill` subcommands; help output follows this order.
//
// To add a CLI command:
//   1. write src/main/cli/commands/<name>.ts exporting a Command (see command.ts and
//      commands/fill.ts): it parses flags, calls a service, and renders the result;
//   2. add it to the list below — one line.
// One road to the engine: a command never imports engine/ to do work. It calls a service on
// context.app() (app.datasets, app.playground, …) with the contract's argument and result types
// (src/shared/contract/<domain>.ts), or app.call('<domain>.<name>', args) — the same service
// the UI and the browser mode reach through the transports. The service runs heavy work in the
// engine host (host/registry.ts says how to add a host message). If no call fits, add one to
// the contract and its service first. (bench is the exception: it measures the engine itself.)

import type { Command } from './command';
import { benchCommand } from './commands/bench';
import { datasetsCommand } from './commands/datasets';
import { exportCommand } from './commands/export';
import { demoCommand } from './commands/demo';
import { fillCommand } from './commands/fill';
import { importCommand } from './commands/import';
import { maskCommand } from './commands/mask';
import { modelsCommand } from './commands/models';
import { scoreCommand } from './commands/score';
import { serveCommand } from './commands/serve';
import { settingsCommand } from './commands/settings';
import { systemCommand } from './commands/system';
import { trainCommand } from './commands/train';
import { runsCommand } from './commands/runs';

export const commands: readonly Command[] = [
  demoCommand,
  serveCommand,
  systemCommand,
  settingsCommand,
  importCommand,
  datasetsCommand,
  modelsCommand,
  maskCommand,
  scoreCommand,
  trainCommand,
  runsCommand,
  fillCommand,
  exportCommand,
  benchCommand,
];
