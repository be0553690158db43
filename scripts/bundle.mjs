// Build step (after tsc, copy-assets and build-syntax): bundles compiled entry points with esbuild, so
// a program importing Saturn loads a few files instead of ~120 modules. Node 20's ES module loader spends
// about 1 ms of CPU per module (resolving, reading, linking): importing `optimize` took ~150 ms unbundled.
// Shared code goes to chunks, so entry points loaded together (saturn and saturn/testing) share one
// instance of each module; dynamic imports stay lazy (the CLI's commands, the runtimes).
//
// A `NAME.cjs=ENTRY` is bundled alone, everything in one CommonJS script (OUT_DIR/NAME.cjs): the CLI
// runs its commands from such a script, since Node 20 has a code cache for scripts but none for ES
// modules (src/cli/code-cache.ts; scripts/code-cache.mjs makes the cache).
//
// Usage: node scripts/bundle.mjs OUT_DIR NAME=ENTRY ... (writes OUT_DIR/NAME.js and its chunks). The
// build bundles tsc's output; an entry may also be a .ts source (the bundle test builds from src/).
// All outputs go to OUT_DIR itself, so a module that finds files next to itself through
// `import.meta.url` (a grammar, a rule file's build output) can be pointed back at its compiled
// location: its `import.meta.url` becomes that location, resolved against the output's own URL. An
// entry keeps its own `import.meta.url`, its output's: it finds the files the bundle puts next to it.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const [outDir, ...specs] = process.argv.slice(2);
if (!outDir || specs.length === 0)
  throw new Error('usage: node scripts/bundle.mjs OUT_DIR NAME=ENTRY.js ...');
const entries = specs.map((spec) => {
  const [name, entry] = spec.split('=');
  return [name, resolve(entry)];
});
const entryPoints = Object.fromEntries(entries.filter(([name]) => !name.endsWith('.cjs')));
const scripts = entries.filter(([name]) => name.endsWith('.cjs'));
const entryFiles = new Set(entries.map(([, entry]) => entry));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * Rewrites `import.meta.url` in each bundled module but the entries to the URL of the module's own
 * compiled file, resolved against `base`, an expression for the output's URL. In a `script`, a
 * package loaded on first use with `createRequire(import.meta.url)(NAME)` (Ohm) is `require(NAME)`
 * instead, which the bundle holds (see `SCRIPT_PACKAGES`).
 */
const ownUrl = (base, script = false) => ({
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      const read = readFileSync(args.path, 'utf8');
      const code = script ? read.replaceAll('createRequire(import.meta.url)(', 'require(') : read;
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      if (!code.includes('import.meta.url') || entryFiles.has(args.path)) return { contents: code, loader };
      const path = relative(resolve(outDir), args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(path)}, ${base}).href`;
      return { contents: code.replaceAll('import.meta.url', url), loader };
    });
  },
});

// Chunks of an earlier build are named by other hashes: remove them, or OUT_DIR fills with dead code.
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (/^chunk-\w+\.js(\.map)?$/.test(f)) rmSync(join(outDir, f));

// Packages stay packages: resolved by Node from node_modules, as a user's installation has them.
const packages = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
// But a script holds the packages every command loads, so that they load from its code cache too
// (Ohm to parse expressions, decimal.js which `optimize` imports): one copy in the script, used by all.
const SCRIPT_PACKAGES = ['ohm-js', 'decimal.js'];
const common = {
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // tsc's source maps are read in, so a stack trace under --enable-source-maps points into src/.
  sourcemap: 'linked',
  logLevel: 'warning',
};
/**
 * Writes a build's outputs, its code in ASCII: esbuild escapes other characters in strings and names but
 * not in comments or regular expressions, and Node 20 reads a file with any of them as UTF-8 at about
 * 20 ms per MB where an ASCII file takes a few (src/read-text.ts). A `\uXXXX` escape means the same
 * character in a regular expression and is text in a comment.
 */
function writeAscii(outputFiles, edit = (text) => text) {
  for (const file of outputFiles) {
    const text = /\.c?js$/.test(file.path)
      ? edit(file.text).replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : file.text;
    writeFileSync(file.path, text);
  }
}

const esm = await build({
  ...common,
  entryPoints,
  external: packages,
  splitting: true,
  format: 'esm',
  chunkNames: 'chunk-[hash]',
  plugins: [ownUrl('import.meta.url')],
  write: false,
});
writeAscii(esm.outputFiles);
for (const [name, entry] of scripts) {
  const { outputFiles } = await build({
    ...common,
    entryPoints: { [name.slice(0, -'.cjs'.length)]: entry },
    outExtension: { '.js': '.cjs' },
    external: packages.filter((p) => !SCRIPT_PACKAGES.includes(p)),
    format: 'cjs',
    // A CommonJS script has no `import.meta`: its URL comes from `__filename`.
    banner: { js: 'var __scriptUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [ownUrl('__scriptUrl', true)],
    write: false,
  });
  // What the script still imports with `import()` (packages that are ES modules only) it imports
  // through the loader's `__import` (src/cli/code-cache.ts): a script compiled from a code cache loses
  // what lets V8 run its own `import()`.
  writeAscii(outputFiles, (code) => {
    const text = code.replace(/\bimport\((?=["'])/g, '__import(');
    if (/\bimport\(/.test(text.replace(/__import\(/g, '')))
      throw new Error(`${name}: an import() of a computed name, which the script cannot run`);
    return text;
  });
}
