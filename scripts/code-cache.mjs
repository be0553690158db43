// Build step (after scripts/bundle.mjs): the code caches of the bundle's scripts (src/code-cache.ts), each
// made after a typical first use in a fresh process, so that the cache holds the bytecode of the
// functions that use runs and not only of the script's top level:
// - OUT_DIR/cli-main.cjs, the CLI's commands: by running the CLI once on a typical command;
// - OUT_DIR/saturn.cjs, the package's entry points (src/script-entries.ts), when the bundle has it: by
//   loading the rule library and optimizing the model graphs, as a program's first `optimize` does.
// Made by the Node that builds; another Node version, or V8 flags other than the build's, ignore them.
// Usage: node scripts/code-cache.mjs OUT_DIR
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [outDir] = process.argv.slice(2);
if (!outDir) throw new Error('usage: node scripts/code-cache.mjs OUT_DIR');
execFileSync(process.execPath, [join(outDir, 'cli.js'), 'optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]'], {
  env: { ...process.env, SATURN_CODE_CACHE: 'write' },
  stdio: ['ignore', 'ignore', 'inherit'],
});

const entries = resolve(outDir, 'script-entries.cjs');
const script = resolve(outDir, 'saturn.cjs');
if (existsSync(script)) {
  // In a fresh process, as a user's program meets the script. Only what a first use runs: the cache is
  // read whole at every load, so functions that most programs never call would cost each of them.
  const warmUp = `
    const { loadScriptEntries } = require(${JSON.stringify(entries)});
    const script = loadScriptEntries(${JSON.stringify(pathToFileURL(script).href)});
    const saturn = script.exports.index();
    saturn.defaultLibrary();
    saturn.optimize(saturn.logisticRegression().outputs);
    saturn.optimize(saturn.mlp().outputs);
    script.save();`;
  execFileSync(process.execPath, ['-e', warmUp], { stdio: ['ignore', 'ignore', 'inherit'] });
}
