// The build, one step after another: tsc, the grammars (copy-assets), the prebuilt rule files and
// library (build-syntax), the prebuilt search code (search-code), the bundle (bundle) and its code caches
// (code-cache); each step's script says what it makes. Two builds share it:
// - `dist`: the package (tsconfig.json), bundled into dist/bundle;
// - `dist-bench`: the benchmarks (tsconfig.bench.json: src/ and bench/ under dist-bench/), bundled into
//   dist-bench/bundle with the modules the cold benchmark serves from the package's script instead of
//   `saturn/testing` (the tanh MLP's builder, the Ohm loader; bench/optimize-cold.ts).
// Usage: node scripts/build.mjs dist|dist-bench
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const [out] = process.argv.slice(2);
const builds = {
  dist: { tsconfig: 'tsconfig.json', src: 'dist', entries: ['testing@saturn.cjs=dist/testing/index.js'] },
  'dist-bench': {
    tsconfig: 'tsconfig.bench.json',
    src: 'dist-bench/src',
    entries: [
      'tanh-mlp@saturn.cjs=dist-bench/bench/tanh-mlp.js',
      'ohm@saturn.cjs=dist-bench/src/graph/syntax/ohm.js',
    ],
  },
};
const build = builds[out];
if (!build) throw new Error(`usage: node scripts/build.mjs ${Object.keys(builds).join('|')}`);
const { src, entries } = build;
const bundle = `${out}/bundle`;
const node = (...args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

node(createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', build.tsconfig);
node('scripts/copy-assets.mjs', src);
node('scripts/build-syntax.mjs', src);
node('scripts/search-code.mjs', src);
node(
  'scripts/bundle.mjs',
  bundle,
  `@saturn.cjs=${src}/prebuilt-search.js`,
  `@cli-main.cjs=${src}/prebuilt-search.js`,
  `index@saturn.cjs=${src}/index.js`,
  ...entries,
  `script-entries=${src}/script-entries.js`,
  `cli=${src}/cli.js`,
  `cli-main.cjs=${src}/cli/main.js`,
);
node('scripts/code-cache.mjs', bundle);
