// Writes the prebuilt workflow bundle a production worker loads with --workflow-bundle / LOYALTY_WORKFLOW_BUNDLE,
// so containers start without webpack work and every replica runs byte-identical workflow code.
import path from 'node:path';
import { writeWorkflowBundle } from '../src/worker/bundle';

const outFile = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
writeWorkflowBundle(outFile).then(
  (file) => console.log(`workflow bundle written to ${file}`),
  (error: unknown) => {
    console.error(`workflow bundle failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
