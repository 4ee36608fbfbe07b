import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { writeWorkflowBundle } from '../../src/worker/bundle';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { resolveDevServer, resolveTimeSkippingServer } from '../../src/temporal/tools';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
    timeSkippingServerPath: string | null;
  }
}

/** One dev server and one workflow bundle for the whole Temporal test run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const devServer = resolveDevServer();
  const timeSkipping = resolveTimeSkippingServer();
  console.log(`[temporal] dev server from ${devServer.source}`);
  console.log(`[temporal] time-skipping server from ${timeSkipping.source}`);

  const bundlePath = path.join(os.tmpdir(), `loyalty-workflows-${process.pid}.js`);
  const [env] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: devServer.executable, searchAttributes: ALL_SEARCH_ATTRIBUTES, ip: '127.0.0.1' },
    }),
    writeWorkflowBundle(bundlePath),
  ]);

  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);
  project.provide(
    'timeSkippingServerPath',
    timeSkipping.executable.type === 'existing-path' ? timeSkipping.executable.path : null,
  );
  return () => env.teardown();
}
