// Build step (after tsc, copy-assets and build-syntax): bundles compiled entry points with esbuild, so
// a program importing Saturn loads a few files instead of ~120 modules. Node 20's ES module loader spends
// about 1 ms of CPU per module (resolving, reading, linking): importing `optimize` took ~150 ms unbundled.
// Shared code goes to chunks, so entry points loaded together share one instance of each module; dynamic
// imports stay lazy (the CLI's commands, the runtimes).
//
// Node 20 has a code cache for scripts but none for ES modules (src/code-cache.ts; scripts/code-cache.mjs
// makes the caches), so what must start fast is also bundled as CommonJS scripts:
// - `NAME.cjs=ENTRY` is bundled alone, everything in one script (OUT_DIR/NAME.cjs): the CLI runs its
//   commands from such a script.
// - `NAME@SCRIPT.cjs=ENTRY` makes OUT_DIR/NAME.js an ES module with ENTRY's exports, taken from the script
//   OUT_DIR/SCRIPT.cjs, which holds every entry given with the same SCRIPT (src/script-entries.ts): the
//   package's entry points `saturn` and `saturn/testing` are served so, sharing one instance of each
//   module. They load the script through `script-entries=…/script-entries.js`, which must be given too,
//   and is bundled as a CommonJS module (OUT_DIR/script-entries.cjs): an ES module that imports node:fs
//   builds its facade, which loads fs/promises and Node's streams (~4 ms of CPU in a cold start).
// - `@SCRIPT.cjs=MODULE`, with no NAME, runs MODULE as the script loads, in either kind of script (the
//   build's prebuilt search code, scripts/search-code.mjs).
//
// Usage: node scripts/bundle.mjs OUT_DIR NAME=ENTRY ... (writes OUT_DIR/NAME.js and its chunks). The
// build bundles tsc's output; an entry may also be a .ts source (the bundle test builds from src/).
// All outputs go to OUT_DIR itself, so a module that finds files next to itself through
// `import.meta.url` (a grammar, a rule file's build output) can be pointed back at its compiled
// location: its `import.meta.url` becomes that location, resolved against the output's own URL. An
// ES module entry keeps its own `import.meta.url`, its output's: it finds the files the bundle puts next
// to it.
import { createHash } from 'node:crypto';
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
/** The `NAME@SCRIPT=ENTRY` entries, by script: [NAME, ENTRY] pairs; and the `@SCRIPT=MODULE` modules. */
const served = new Map();
const atLoad = new Map();
for (const [spec, entry] of entries.filter(([name]) => name.includes('@'))) {
  const [name, script] = spec.split('@');
  if (!script.endsWith('.cjs')) throw new Error(`${spec}: the script's name must end in .cjs`);
  if (name === '') atLoad.set(script, [...(atLoad.get(script) ?? []), entry]);
  else served.set(script, [...(served.get(script) ?? []), [name, entry]]);
}
/** The source of a script's entry: its modules run at load, then `exports`, an expression. */
const scriptEntry = (script, exports) =>
  `${(atLoad.get(script) ?? []).map((m) => `require(${JSON.stringify(m)});\n`).join('')}module.exports = ${exports};\n`;
const entryPoints = Object.fromEntries(
  entries.filter(([name]) => !/\.cjs$|@/.test(name) && name !== 'script-entries'),
);
const scripts = entries.filter(([name]) => /^[^@]*\.cjs$/.test(name));
const loader = entries.find(([name]) => name === 'script-entries')?.[1];
if (served.size > 0 && !loader)
  throw new Error('entries served from a script need their loader: script-entries=…/script-entries.js');
// Entries served from a script run there, not from their outputs: their `import.meta.url` is rewritten.
const entryFiles = new Set([...Object.values(entryPoints), ...scripts.map(([, entry]) => entry)]);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * Rewrites `import.meta.url` in each bundled module but the entries to the URL of the module's own
 * compiled file, resolved against `base`, an expression for the output's URL. In a `script`, a
 * package loaded on first use with `createRequire(import.meta.url)(NAME)` (Ohm) is `require(NAME)`
 * instead, which the script holds or requires (see `CLI_SCRIPT_PACKAGES`).
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
// But a script holds the packages that it loads at once, so that they load from its code cache too: the
// CLI's, Ohm to parse expressions and decimal.js which `optimize` imports. A script of entry points
// holds decimal.js only: a program that builds its graphs in code never parses text, and Ohm loads on
// first use.
const CLI_SCRIPT_PACKAGES = ['ohm-js', 'decimal.js'];
const ENTRY_SCRIPT_PACKAGES = ['decimal.js'];
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
      ? edit(file.text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
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
/**
 * Bundles a CommonJS script (OUT_DIR/NAME.cjs) from esbuild options that give its entry (`entryPoints`
 * or `stdin`), holding the packages `held` and requiring the others.
 */
async function buildScript(name, input, held) {
  const { outputFiles } = await build({
    ...common,
    ...input,
    outExtension: { '.js': '.cjs' },
    external: packages.filter((p) => !held.includes(p)),
    format: 'cjs',
    // Without comments and indentation: a script is read and copied into a string at each start, at
    // ~10 ms per MB, and its code cache makes V8 skip parsing it. Names stay, for stack traces.
    minifyWhitespace: true,
    // A CommonJS script has no `import.meta`: its URL comes from `__filename`.
    banner: { js: 'var __scriptUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [ownUrl('__scriptUrl', true)],
    write: false,
  });
  // What the script still imports with `import()` (packages that are ES modules only) it imports
  // through the loader's `__import` (src/code-cache.ts): a script compiled from a code cache loses
  // what lets V8 run its own `import()`. The script is written inside its loader's function wrapper
  // (`SCRIPT_WRAPPER` in src/code-cache.ts), on its first line so that line numbers stay: wrapping it
  // at load made a second copy of its text (~3 ms of CPU per start). Its last line is its hash, which
  // its code cache must match (`SCRIPT_HASH_LINE`).
  writeAscii(outputFiles, (code) => {
    const text = code.replace(/\bimport\((?=["'])/g, '__import(');
    if (/\bimport\(/.test(text.replace(/__import\(/g, '')))
      throw new Error(`${name}: an import() of a computed name, which the script cannot run`);
    const wrapped = `(function (exports, require, module, __filename, __dirname, __import) {${text}\n})\n`;
    return `${wrapped}//# saturnScriptHash=${createHash('sha256').update(wrapped).digest('hex')}\n`;
  });
}

for (const [name, entry] of scripts) {
  const stem = name.slice(0, -'.cjs'.length);
  const contents = scriptEntry(name, `require(${JSON.stringify(entry)})`);
  await buildScript(
    name,
    atLoad.has(name)
      ? {
          stdin: { contents, resolveDir: process.cwd(), sourcefile: `${stem}-entry.js`, loader: 'js' },
          outfile: join(outDir, name),
          outdir: undefined,
        }
      : { entryPoints: { [stem]: entry } },
    CLI_SCRIPT_PACKAGES,
  );
}

if (loader) {
  const { outputFiles } = await build({
    ...common,
    entryPoints: { 'script-entries': loader },
    outExtension: { '.js': '.cjs' },
    external: packages,
    format: 'cjs',
    write: false,
  });
  writeAscii(outputFiles);
}

for (const [script, list] of served) {
  // One function per entry point, which initializes its modules on first call (esbuild turns the
  // `require` of an ES module into a lazy initializer): `saturn/testing` and its packages load only when
  // imported.
  const contents = scriptEntry(
    script,
    `{\n${list.map(([name, entry]) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(entry)}),\n`).join('')}}`,
  );
  const stem = script.slice(0, -'.cjs'.length);
  await buildScript(
    script,
    {
      stdin: { contents, resolveDir: process.cwd(), sourcefile: `${stem}-entries.js`, loader: 'js' },
      outfile: join(outDir, `${stem}.cjs`),
      outdir: undefined,
    },
    ENTRY_SCRIPT_PACKAGES,
  );
  // The names each entry exports, which its ES module must list: from esbuild's analysis of the entry.
  const { metafile } = await build({
    ...common,
    sourcemap: false,
    entryPoints: Object.fromEntries(list),
    external: packages,
    splitting: true,
    format: 'esm',
    metafile: true,
    write: false,
  });
  for (const [name, entry] of list) {
    const output = Object.values(metafile.outputs).find(
      (o) => o.entryPoint && resolve(o.entryPoint) === entry,
    );
    const names = [...output.exports].sort();
    const bad = names.find((n) => !/^[A-Za-z_$][\w$]*$/.test(n) || n === 'default');
    if (bad !== undefined) throw new Error(`${name}: export '${bad}' cannot be served from a script`);
    rmSync(join(outDir, `${name}.js.map`), { force: true });
    writeFileSync(
      join(outDir, `${name}.js`),
      `// The exports of ${relative(process.cwd(), entry).split(sep).join('/')}, from the script ${script} (scripts/bundle.mjs).\n` +
        `import { createRequire } from 'node:module';\n\n` +
        `const { scriptEntry } = createRequire(import.meta.url)('./script-entries.cjs');\n` +
        `export const {\n${names.map((n) => `  ${n},\n`).join('')}} = scriptEntry(new URL('./${script}', import.meta.url), ${JSON.stringify(name)});\n`,
    );
  }
}
