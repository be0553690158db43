// Build step (after scripts/bundle.mjs): the code cache of the bundled CLI script (OUT_DIR/cli-main.cjs,
// see src/cli/code-cache.ts), made by running the CLI once on a typical command, so that the cache
// holds the bytecode of the functions a command runs and not only of the script's top level. Made by
// the Node that builds; another Node version ignores it. Usage: node scripts/code-cache.mjs OUT_DIR
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [outDir] = process.argv.slice(2);
if (!outDir) throw new Error('usage: node scripts/code-cache.mjs OUT_DIR');
execFileSync(process.execPath, [join(outDir, 'cli.js'), 'optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]'], {
  env: { ...process.env, SATURN_CODE_CACHE: 'write' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
