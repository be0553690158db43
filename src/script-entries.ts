/**
 * The package's entry points (`saturn`, `saturn/testing`) served from one CommonJS script with a code
 * cache, as the CLI is (`code-cache.ts`). The build bundles them into one script, whose `module.exports`
 * holds one function per entry point that initializes the entry's modules and returns its exports, and
 * writes each entry point as a small ES module that takes its exports from here (`scripts/bundle.mjs`).
 * The cache is made at build time after a typical first use, loading the rule library and optimizing the
 * model graphs (`scripts/code-cache.mjs`), so that a fresh process compiles none of the functions that
 * use runs: their bytecode comes from the cache.
 *
 * Both entry points come from one load of the script, so they share every module (one op table, one
 * class per error). `SATURN_DEBUG=code-cache` says on stderr whether the cache was used.
 */
import { fileURLToPath } from 'node:url';
import { type CachedScript, loadCachedScript } from './code-cache.js';

/** What a script of entry points exports: each entry point's exports, initialized on first call. */
export type ScriptEntries = Readonly<Record<string, () => Record<string, unknown>>>;

const loaded = new Map<string, CachedScript<ScriptEntries>>();

/**
 * Loads the script of entry points at `scriptUrl` once per process (with its code cache when that is
 * current) and returns it; `save` writes the cache of what it has compiled so far (the build step).
 *
 * @example loadScriptEntries(new URL('./saturn.cjs', import.meta.url)).exports.index().optimize
 */
export function loadScriptEntries(scriptUrl: URL | string): CachedScript<ScriptEntries> {
  const path = fileURLToPath(scriptUrl);
  let script = loaded.get(path);
  if (script === undefined) {
    // `import()` of packages that are ES modules only (WebGPU's), resolved from here, next to the script.
    script = loadCachedScript<ScriptEntries>(path, (specifier) => import(specifier));
    if ((process.env.SATURN_DEBUG ?? '').split(',').includes('code-cache'))
      console.error(`saturn: code cache ${script.cache} (${path})`);
    loaded.set(path, script);
  }
  return script;
}

/**
 * The exports of entry point `name` of the script at `scriptUrl`.
 *
 * @example scriptEntry(new URL('./saturn.cjs', import.meta.url), 'index').defaultLibrary
 */
export function scriptEntry(scriptUrl: URL | string, name: string): Record<string, unknown> {
  const entry = loadScriptEntries(scriptUrl).exports[name];
  if (entry === undefined) throw new Error(`${String(scriptUrl)} has no entry point '${name}'`);
  return entry();
}
