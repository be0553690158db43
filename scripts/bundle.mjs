// Build step (after tsc, copy-assets and build-syntax): bundles compiled entry points with esbuild, so
// a program importing Saturn loads a few files instead of ~120 modules. Node 20's ES module loader spends
// about 1 ms of CPU per module (resolving, reading, linking): importing `optimize` took ~150 ms unbundled.
// Shared code goes to chunks, so entry points loaded together (saturn and saturn/testing) share one
// instance of each module; dynamic imports stay lazy (the CLI's commands, the runtimes).
//
// Usage: node scripts/bundle.mjs OUT_DIR NAME=ENTRY ... (writes OUT_DIR/NAME.js and its chunks). The
// build bundles tsc's output; an entry may also be a .ts source (the bundle test builds from src/).
// All outputs go to OUT_DIR itself, so a module that finds files next to itself through
// `import.meta.url` (a grammar, a rule file's build output) can be pointed back at its compiled
// location: its `import.meta.url` becomes that location, resolved against the output's own URL.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const [outDir, ...specs] = process.argv.slice(2);
if (!outDir || specs.length === 0)
  throw new Error('usage: node scripts/bundle.mjs OUT_DIR NAME=ENTRY.js ...');
const entryPoints = Object.fromEntries(
  specs.map((spec) => {
    const [name, entry] = spec.split('=');
    return [name, resolve(entry)];
  }),
);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Rewrites `import.meta.url` in each bundled module to the URL of the module's own compiled file. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      if (!code.includes('import.meta.url')) return { contents: code, loader };
      const path = relative(resolve(outDir), args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(path)}, import.meta.url).href`;
      return { contents: code.replaceAll('import.meta.url', url), loader };
    });
  },
};

// Chunks of an earlier build are named by other hashes: remove them, or OUT_DIR fills with dead code.
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (/^chunk-\w+\.js(\.map)?$/.test(f)) rmSync(join(outDir, f));

await build({
  entryPoints,
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages stay packages: resolved by Node from node_modules, as a user's installation has them.
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }),
  chunkNames: 'chunk-[hash]',
  // tsc's source maps are read in, so a stack trace under --enable-source-maps points into src/.
  sourcemap: 'linked',
  plugins: [ownUrl],
  logLevel: 'warning',
});
