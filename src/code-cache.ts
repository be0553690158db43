/**
 * A CommonJS script run with V8's code cache: the bytecode of its functions, saved after a run at build
 * time, so that a fresh process neither parses the script nor compiles the functions the saved run used.
 * Node 20 has no such cache for ES modules (`module.enableCompileCache` came with Node 22.1), but
 * `vm.Script` takes one; the build bundles the CLI as one script for it (`scripts/bundle.mjs`).
 *
 * The cache holds the hash of the script's text and V8's version: V8 checks its own version, flags and
 * the text's length only, so a rebuilt script of the same length would run with the old one's bytecode.
 * The hash is the one the bundle step wrote on the script's last line (`SCRIPT_HASH_LINE`): hashing the
 * text here took node:crypto, whose loading cost each cold start ~4 ms of CPU. A cache that does not
 * match, or that V8 rejects, is ignored and the script compiles as usual.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { readText } from './read-text.js';

/** What became of a script's code cache: `used`, or why it was not. */
export type CodeCacheStatus = 'used' | 'missing' | 'stale' | 'rejected';

/** A loaded script: its `module.exports`, and what became of its cache. */
export interface CachedScript<T> {
  readonly exports: T;
  readonly cache: CodeCacheStatus;
  /** Writes the cache of what the script has compiled so far, for later processes. */
  save(): void;
}

/**
 * The start of a script's text: the function that Node wraps a CommonJS module in, with `__import`, which
 * the bundle step writes around the script (`scripts/bundle.mjs`) so that loading it compiles the file's
 * text as it is, without a wrapped copy.
 */
export const SCRIPT_WRAPPER = '(function (exports, require, module, __filename, __dirname, __import) {';

/**
 * The start of a script's last line, followed by the SHA-256 of the text before that line, in hex
 * (written by `scripts/bundle.mjs`).
 */
export const SCRIPT_HASH_LINE = '//# saturnScriptHash=';

/**
 * The file of a script's code cache.
 *
 * @example codeCacheFile('dist/bundle/cli-main.cjs') // 'dist/bundle/cli-main.cjs.cache'
 */
export const codeCacheFile = (scriptPath: string): string => `${scriptPath}.cache`;

/**
 * Loads and runs the CommonJS script at `scriptPath`, with its code cache when that is current.
 * `require` resolves from the script's folder; `__import(specifier)` is `importModule` (the bundle step
 * writes a script's `import()` so: V8 runs no `import()` in a script compiled from a code cache).
 *
 * @example const { exports } = loadCachedScript<{ main: Main }>('dist/bundle/cli-main.cjs', (s) => import(s))
 */
export function loadCachedScript<T>(
  scriptPath: string,
  importModule: (specifier: string) => Promise<unknown>,
): CachedScript<T> {
  const { text: source } = readText(scriptPath);
  const key = cacheKey(source, scriptPath);
  const cacheFile = codeCacheFile(scriptPath);
  let cachedData: Buffer | undefined;
  let cache: CodeCacheStatus = 'missing';
  if (existsSync(cacheFile)) {
    const file = readFileSync(cacheFile);
    const header = file.indexOf(0x0a);
    if (header >= 0 && file.toString('latin1', 0, header) === key) cachedData = file.subarray(header + 1);
    else cache = 'stale';
  }
  if (!source.startsWith(SCRIPT_WRAPPER))
    throw new Error(`${scriptPath} does not start with its wrapper: bundle it with scripts/bundle.mjs`);
  const script = new Script(source, { filename: scriptPath, cachedData });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(scriptPath),
    module,
    scriptPath,
    dirname(scriptPath),
    importModule,
  );
  return {
    exports: module.exports,
    cache,
    save: () =>
      writeFileSync(cacheFile, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), script.createCachedData()])),
  };
}

function cacheKey(source: string, scriptPath: string): string {
  const at = source.lastIndexOf(`\n${SCRIPT_HASH_LINE}`);
  const hash = at < 0 ? '' : source.slice(at + 1 + SCRIPT_HASH_LINE.length).trimEnd();
  if (!/^[0-9a-f]{64}$/.test(hash))
    throw new Error(`${scriptPath} has no '${SCRIPT_HASH_LINE}' line: bundle it with scripts/bundle.mjs`);
  return `${hash} v8 ${process.versions.v8}`;
}
