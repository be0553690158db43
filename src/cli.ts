#!/usr/bin/env node
/** The `saturn` executable: runs the CLI of `src/cli/main.ts` on the process arguments. */
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { loadCachedScript } from './code-cache.js';

type Main = typeof import('./cli/main.js').main;

// A command runs once, in a fresh process, where V8's optimizing compiler cost more than it saved: with
// its default budget it compiled hundreds of functions of the first optimize (0.4 s of CPU, 1.2 s wall
// on a busy 2-core machine). Four times the budget leaves that work to the functions that stay hot:
// the first optimize of logistic regression took 150 ms of CPU instead of 440 ms. Set before the CLI's
// modules load, so it applies to all of them (and before a code cache is read or made: V8 accepts a
// cache only under the flags it was made with).
setFlagsFromString(`--interrupt-budget=${4 * 132 * 1024}`);

/**
 * The CLI's `main`. The build puts the whole CLI next to the bundled executable as one script with a
 * code cache (`scripts/bundle.mjs`, `scripts/code-cache.mjs`): compiling the bundle's modules was about
 * a third of `saturn optimize`'s CPU. Elsewhere (tsc's output, a bundle without the script) the CLI's
 * modules load as usual. `SATURN_CODE_CACHE=write` makes the cache of this run's functions (the build
 * step), `SATURN_DEBUG=code-cache` says on stderr whether the cache was used.
 */
async function loadMain(): Promise<{ main: Main; save?: () => void }> {
  const script = fileURLToPath(new URL('./cli-main.cjs', import.meta.url));
  if (!existsSync(script)) {
    // Node 22.1+ keeps compiled code of ES modules on disk between runs; Node 20 has no such cache.
    (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
    return { main: (await import('./cli/main.js')).main };
  }
  // Resolved from here, next to the script: the same packages as the script's `require`.
  const loaded = loadCachedScript<{ main: Main }>(script, (specifier) => import(specifier));
  if ((process.env.SATURN_DEBUG ?? '').split(',').includes('code-cache'))
    console.error(`saturn: code cache ${loaded.cache}`);
  return {
    main: loaded.exports.main,
    save: process.env.SATURN_CODE_CACHE === 'write' ? loaded.save : undefined,
  };
}

const { main, save } = await loadMain();
main(process.argv.slice(2)).then(
  (code) => {
    save?.();
    process.exitCode = code;
  },
  (e) => {
    console.error(
      `saturn: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    process.exitCode = 1;
  },
);
