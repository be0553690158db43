#!/usr/bin/env node
/** The `saturn` executable: runs the CLI of `src/cli/main.ts` on the process arguments. */
import { main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(
      `saturn: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    process.exitCode = 1;
  },
);
