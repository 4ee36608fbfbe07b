import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

const projectRoot = path.resolve(__dirname, '..', '..');
const toolsBin = path.join(projectRoot, '.tools', 'bin');

export interface ResolvedServer {
  executable: EphemeralServerExecutable;
  /** Where the executable came from, for a one-line log. */
  source: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

function resolve(envVar: string, projectFile: string, pathName: string | undefined): ResolvedServer {
  const candidates: [string | undefined, string][] = [
    [process.env[envVar], `$${envVar}`],
    [path.join(toolsBin, projectFile), 'scripts/temporal-tools.sh'],
    [pathName ? findOnPath(pathName) : undefined, 'PATH'],
  ];
  for (const [file, source] of candidates) {
    if (file && isExecutable(file)) return { executable: { type: 'existing-path', path: file }, source: `${source}: ${file}` };
  }
  return {
    executable: { type: 'cached-download' },
    source: `not installed (run scripts/temporal-tools.sh); falling back to the SDK's download, which needs internet`,
  };
}

/** The Temporal CLI dev server: a real Temporal server with the Web UI. */
export function resolveDevServer(): ResolvedServer {
  return resolve('TEMPORAL_CLI_PATH', 'temporal', 'temporal');
}

/** The Java time-skipping test server. */
export function resolveTimeSkippingServer(): ResolvedServer {
  return resolve('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', undefined);
}
