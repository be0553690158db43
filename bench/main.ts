// Benchmark entry point: `npm run bench -- [suite ...] [--json FILE]`. Suites register themselves on import.
import { writeFileSync } from 'node:fs';
import './egraph.js';
import './extract.js';
import './optimize.js';
import './rule-overhead.js';
import './runtime.js';
import './cpu.js';
import './webgpu.js';
import './accuracy.js';
import './fpbench.js';
import { registeredSuites } from './registry.js';

async function main(argv: readonly string[]): Promise<void> {
  const names: string[] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') {
      json = argv[++i];
      if (json === undefined) throw new Error('--json needs a file name');
    } else names.push(argv[i]);
  }
  const all = registeredSuites();
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench suite(s) ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`,
    );
  }
  const chosen = names.length === 0 ? all : all.filter((s) => names.includes(s.name));
  const results: Record<string, unknown> = {};
  for (const suite of chosen) {
    console.log(`# ${suite.name}: ${suite.description}`);
    // Awaited one after another so suites never time each other's work.
    results[suite.name] = await suite.run((line) => console.log(line));
  }
  if (json !== undefined) {
    const body = chosen.length === 1 ? results[chosen[0].name] : results;
    writeFileSync(json, `${JSON.stringify(body, null, 2)}\n`);
    console.log(`wrote ${json}`);
  }
}

await main(process.argv.slice(2));
