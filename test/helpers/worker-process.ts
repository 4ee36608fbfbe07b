import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';

const root = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real `loyalty worker` command in its own process, resolved once it polls its task queue. */
export function spawnLoyaltyWorker(options: { taskQueue: string; webhookUrl: string; env?: Record<string, string> }): Promise<WorkerProcess> {
  const child = spawn(
    path.join(root, 'node_modules/.bin/tsx'),
    [
      path.join(root, 'src/cli/main.ts'),
      'worker',
      '--temporal-address', inject('temporalAddress'),
      '--namespace', inject('temporalNamespace'),
      '--task-queue', options.taskQueue,
      // The workflows of these tests use the task queue as their portal key: the Bitrix24 queue follows it.
      '--portal', options.taskQueue,
      '--webhook-url', options.webhookUrl,
      '--rules', path.join(root, 'loyalty.config.yaml'),
      '--workflow-bundle', inject('workflowBundlePath'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...options.env } },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Worker polling')) resolve({ child, stdout: () => output, exited });
    });
    void exited.then(({ code }) => reject(new Error(`worker exited early with code ${code}`)));
  });
}
