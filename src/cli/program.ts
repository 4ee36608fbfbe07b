import { Command } from 'commander';
import { adminCommand } from './admin';
import { backfillCommand } from './backfill';
import { bonusCommand } from './bonus';
import { bridgeCommand } from './bridge';
import { inspectCommand } from './inspect';
import { reconcileCommand } from './reconcile';
import { redeemCommand } from './redeem';
import { rulesCommand } from './rules';
import { sandboxCommand } from './sandbox';
import { setupCommand } from './setup';
import { startCommand } from './start';
import { workerCommand } from './worker';

/** The `loyalty` command with every subcommand. */
export function loyaltyProgram(): Command {
  return new Command('loyalty')
    .description('Loyalty engine for Bitrix24 CRM on Temporal')
    .showHelpAfterError()
    .addCommand(startCommand())
    .addCommand(workerCommand())
    .addCommand(bridgeCommand())
    .addCommand(adminCommand())
    .addCommand(inspectCommand())
    .addCommand(bonusCommand())
    .addCommand(redeemCommand())
    .addCommand(setupCommand())
    .addCommand(rulesCommand())
    .addCommand(sandboxCommand())
    .addCommand(reconcileCommand())
    .addCommand(backfillCommand());
}
