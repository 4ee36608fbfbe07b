import type { Command } from 'commander';
import { loadEngineEnv, type EngineEnv, type EnvOverrides, type EnvRequirements } from '../config/env';
import { loadProgramme } from '../config/load-programme';
import type { Programme } from '../domain/programme';

/** A command cannot start with this configuration; the message lists every problem. Exits 2. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Runs a configuration read, turning whatever it reports into a `ConfigurationError` (same message). */
export function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error) throw new ConfigurationError(error.message);
    throw error;
  }
}

/** The flags every engine command shares; each stands for an environment variable (see src/config/env.ts). */
export interface EngineFlags {
  temporalAddress?: string;
  namespace?: string;
  portal?: string;
  taskQueue?: string;
  rules?: string;
  webhookUrl?: string;
}

export type EngineFlagGroup = 'temporal' | 'portal' | 'taskQueue' | 'rules' | 'webhook';

export function addEngineOptions(command: Command, groups: readonly EngineFlagGroup[]): Command {
  if (groups.includes('temporal')) {
    command
      .option('--temporal-address <host:port>', 'Temporal frontend (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
      .option('--namespace <name>', 'Temporal namespace (default: $TEMPORAL_NAMESPACE or default)');
  }
  if (groups.includes('portal')) command.option('--portal <key>', 'portal key used in workflow ids (default: $LOYALTY_PORTAL or sandbox)');
  if (groups.includes('taskQueue')) command.option('--task-queue <name>', 'task queue of the loyalty workflows (default: $LOYALTY_TASK_QUEUE or loyalty)');
  if (groups.includes('rules')) command.option('--rules <file>', 'the loyalty rules file (default: $LOYALTY_RULES_FILE or loyalty.config.yaml)');
  if (groups.includes('webhook')) command.option('--webhook-url <url>', 'the portal incoming webhook (default: $BITRIX24_WEBHOOK_URL)');
  return command;
}

/** The environment with the command's flags laid over it, validated; fails with every problem listed. */
export function engineEnv(flags: EngineFlags, requirements: EnvRequirements = {}, more: EnvOverrides = {}): EngineEnv {
  const overrides: EnvOverrides = {
    temporalAddress: flags.temporalAddress,
    namespace: flags.namespace,
    portal: flags.portal,
    taskQueue: flags.taskQueue,
    rulesFile: flags.rules,
    webhookUrl: flags.webhookUrl,
    ...more,
  };
  return configured(() => loadEngineEnv(process.env, requirements, overrides));
}

export function engineProgramme(env: EngineEnv): Programme {
  return configured(() => loadProgramme(env.rulesFile));
}
