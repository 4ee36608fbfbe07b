import { Command, InvalidArgumentError } from 'commander';
import { startSandbox } from '../sandbox';

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

/** `loyalty sandbox`: runs the Bitrix24 portal emulator until SIGINT/SIGTERM. */
export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('run the sandbox Bitrix24 portal (REST, events, limits) on 127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = random)', integer('--port'), 0)
    .option('--seed <file>', 'YAML/JSON fixture to seed the portal (default fixtures/sandbox-company.yaml)')
    .option('--snapshot <file>', 'persist state to this file (loaded at start when present)')
    .option('--burst <n>', 'leaky-bucket burst size', integer('--burst'), 50)
    .option('--drain <n>', 'leaky-bucket drain per second', integer('--drain'), 2)
    .option('--no-limits', 'disable rate and operating-time limits')
    .action(async (opts: { port: number; seed?: string; snapshot?: string; burst: number; drain: number; limits: boolean }) => {
      const sandbox = await startSandbox({
        port: opts.port,
        seed: opts.seed,
        snapshotFile: opts.snapshot,
        limits: opts.limits ? { burst: opts.burst, drainPerSecond: opts.drain } : false,
      });
      console.log(`Sandbox Bitrix24 portal on ${sandbox.baseUrl}`);
      console.log(`Incoming webhook: ${sandbox.webhookUrl}`);
      console.log(`Admin API: ${sandbox.baseUrl}/sandbox/stats (loopback only)`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.stop();
      console.log('Sandbox stopped.');
    });
}
