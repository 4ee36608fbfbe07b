#!/usr/bin/env node
import { Command } from 'commander';
import { backfillCommand } from './backfill';
import { bridgeCommand } from './bridge';
import { inspectCommand } from './inspect';
import { reconcileCommand } from './reconcile';
import { rulesCommand } from './rules';
import { sandboxCommand } from './sandbox';
import { setupCommand } from './setup';
import { startCommand } from './start';
import { workerCommand } from './worker';

const program = new Command('loyalty')
  .description('Loyalty engine for Bitrix24 CRM on Temporal')
  .showHelpAfterError()
  .addCommand(startCommand())
  .addCommand(workerCommand())
  .addCommand(bridgeCommand())
  .addCommand(inspectCommand())
  .addCommand(setupCommand())
  .addCommand(rulesCommand())
  .addCommand(sandboxCommand())
  .addCommand(reconcileCommand())
  .addCommand(backfillCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`loyalty: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
