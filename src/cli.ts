#!/usr/bin/env node
/** The `saturn` executable: runs the CLI of `src/cli/main.ts` on the process arguments. */
import * as nodeModule from 'node:module';
import { setFlagsFromString } from 'node:v8';

// A command runs once, in a fresh process, where V8's optimizing compiler cost more than it saved: with
// its default budget it compiled hundreds of functions of the first optimize (0.4 s of CPU, 1.2 s wall
// on a busy 2-core machine). Four times the budget leaves that work to the functions that stay hot:
// the first optimize of logistic regression took 150 ms of CPU instead of 440 ms. Set before the CLI's
// modules load, so it applies to all of them.
setFlagsFromString(`--interrupt-budget=${4 * 132 * 1024}`);
// Node 22.1+ keeps compiled code of the modules on disk between runs; Node 20 has no such cache for ES
// modules (its `vm` code cache is for scripts), so there this does nothing.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import('./cli/main.js');

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
