// tsc compiles only .ts files; the Ohm grammars are read at run time next to the modules that load them.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ohm')) out.push(path);
  }
  return out;
}

for (const outDir of process.argv.slice(2).length ? process.argv.slice(2) : ['dist']) {
  for (const file of walk('src')) {
    const target = join(outDir, relative('src', file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
}
