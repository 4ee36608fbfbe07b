#!/usr/bin/env node
import { exitCodeFor } from './exit-code';
import { loyaltyProgram } from './program';

// The command list lives in program.ts so that tests can build it without running it.
loyaltyProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(`loyalty: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = exitCodeFor(error);
  });
