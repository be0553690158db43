/**
 * The build's bundle (scripts/bundle.mjs): the package's entry points, served from one script with its
 * code cache, work as the modules do, and so does the CLI's script with its own (scripts/code-cache.mjs
 * makes both caches). Bundled here from src/ into a folder under node_modules/.cache (the bundle keeps
 * packages external, so it must sit where Node finds node_modules), which needs no tsc build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuiltSearchModule } from '../../src/egraph/machine.js';
import * as saturn from '../../src/index.js';
import * as testing from '../../src/testing/index.js';
import { runCli } from '../cli/run-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let out = '';

beforeAll(() => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  out = mkdtempSync(join(cache, 'saturn-bundle-test-'));
  // The search code of the shapes optimizing logistic regression meets, for the script, as the build's
  // scripts/search-code.mjs writes it from tsc's output.
  saturn.optimize(saturn.logisticRegression().outputs);
  const prebuilt = join(out, 'prebuilt-search.ts');
  writeFileSync(prebuilt, prebuiltSearchModule(join(root, 'src/egraph/machine.ts')));
  execFileSync(
    process.execPath,
    [
      join(root, 'scripts/bundle.mjs'),
      out,
      `@saturn.cjs=${prebuilt}`,
      `@cli-main.cjs=${prebuilt}`,
      'index@saturn.cjs=src/index.ts',
      'testing@saturn.cjs=src/testing/index.ts',
      'script-entries=src/script-entries.ts',
      'cli=src/cli.ts',
      'cli-main.cjs=src/cli/main.ts',
    ],
    { cwd: root },
  );
  execFileSync(process.execPath, [join(root, 'scripts/code-cache.mjs'), out], { cwd: root });
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const node = (...args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8', cwd: root });

const OPTIMIZE = ['optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]'];

// Phase and time lines hold wall-clock figures; the rest is the result.
const result = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/^(phase|time) /.test(l))
    .join('\n');

/** A fresh Node process with `SATURN_DEBUG=code-cache`: its output, and what it says of a code cache. */
function debugRun(args: string[]): { stdout: string; stderr: string; cache: string | undefined } {
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, SATURN_DEBUG: 'code-cache' },
  });
  expect(run.status, run.stderr).toBe(0);
  return { stdout: run.stdout, stderr: run.stderr, cache: /saturn: code cache (\w+)/.exec(run.stderr)?.[1] };
}

/** The bundled CLI's output, and what it says of its code cache. */
function cli(...args: string[]): { out: string; cache: string | undefined } {
  const { stdout, cache } = debugRun([join(out, 'cli.js'), ...args]);
  return { out: stdout, cache };
}

/** A module that optimizes logistic regression with the bundled package, printing the result. */
const optimizeLogreg = () =>
  `const saturn = await import(${JSON.stringify(join(out, 'index.js'))});
   const { outputs } = saturn.optimize(saturn.logisticRegression().outputs);
   console.log(outputs.map((o) => saturn.formatExpr(o)).join('\\n'));`;

describe('the bundle', () => {
  it('runs the command line as the modules do, finding its grammar and rule files', async () => {
    const inProcess = await runCli(...OPTIMIZE);
    expect(inProcess.code).toBe(0);
    expect(result(node(join(out, 'cli.js'), ...OPTIMIZE))).toBe(result(inProcess.out + '\n'));
  });

  it('runs the command line from its script with the code cache', async () => {
    const inProcess = await runCli(...OPTIMIZE);
    const { out: text, cache } = cli(...OPTIMIZE);
    expect(cache).toBe('used');
    expect(result(text)).toBe(result(inProcess.out + '\n'));
    // A command that loads an ES module package with import() (Graphviz), which the script cannot do itself.
    expect(cli('draw', 'exp(x)', '--var', 'x:f32[n]', '--svg', join(out, 'g.svg')).out).toMatch(/^wrote /);
    expect(readFileSync(join(out, 'g.svg'), 'utf8')).toMatch(/<svg/);
  });

  it('ignores a code cache made for another script, or one V8 rejects, and runs as without one', async () => {
    const expected = result((await runCli(...OPTIMIZE)).out + '\n');
    const library = () => {
      const { stdout, cache } = debugRun(['--input-type=module', '-e', optimizeLogreg()]);
      return { out: stdout, cache };
    };
    const fromLibrary = library().out;
    const runs = [
      ['cli-main.cjs', () => cli(...OPTIMIZE), expected],
      ['saturn.cjs', () => library(), fromLibrary],
    ] as const;
    for (const [script, run, want] of runs) {
      const file = join(out, `${script}.cache`);
      const saved = join(out, 'saved.cache');
      copyFileSync(file, saved);
      try {
        const bytes = readFileSync(file);
        const header = bytes.indexOf(0x0a);
        const ran = () => {
          const { out: text, cache } = run();
          return { out: result(text), cache };
        };
        // Another script's hash: a rebuilt script keeps its length often enough, and V8 checks only that.
        writeFileSync(file, Buffer.concat([Buffer.from('0'.repeat(64)), bytes.subarray(64)]));
        expect(ran(), script).toEqual({ out: result(want), cache: 'stale' });
        // The right hash, but bytes that are not V8's cache.
        writeFileSync(file, Buffer.concat([bytes.subarray(0, header + 1), Buffer.alloc(1000, 7)]));
        expect(ran(), script).toEqual({ out: result(want), cache: 'rejected' });
        rmSync(file);
        expect(ran(), script).toEqual({ out: result(want), cache: 'missing' });
      } finally {
        copyFileSync(saved, file);
        rmSync(saved);
      }
    }
  }, 300_000); // six fresh processes, each a second or more on a loaded machine

  it('serves saturn and saturn/testing from one load of one script, with its code cache', () => {
    const { stdout, stderr } = debugRun([
      '--input-type=module',
      '-e',
      `const saturn = await import(${JSON.stringify(join(out, 'index.js'))});
       const testing = await import(${JSON.stringify(join(out, 'testing.js'))});
       // One instance of each module: saturn/testing's errors are saturn's.
       console.log(Object.getPrototypeOf(testing.EquivalenceError) === saturn.SaturnError);
       const x = saturn.T.vector('x', 'f64');
       testing.assertEquivalent(saturn.T.log(saturn.T.exp(x)), x, { seed: 1 });
       console.log(saturn.formatExpr(saturn.optimize([saturn.T.log(saturn.T.add(1, saturn.T.exp(x)))]).outputs[0]));`,
    ]);
    expect(stdout).toBe('true\nsoftplus(x)\n');
    // With the prebuilt search code in the script, as the modules optimize without it.
    expect(readFileSync(join(out, 'saturn.cjs'), 'utf8')).toMatch(/usePrebuiltSearch\(\[\s*\["let steps/);
    const { outputs } = saturn.optimize(saturn.logisticRegression().outputs);
    expect(debugRun(['--input-type=module', '-e', optimizeLogreg()]).stdout).toBe(
      `${outputs.map((o) => saturn.formatExpr(o)).join('\n')}\n`,
    );
    expect(stderr.match(/saturn: code cache \w+/g)).toEqual(['saturn: code cache used']);
  });

  it('exports what the modules export, from both entry points', () => {
    const keys = (entry: string) =>
      JSON.parse(
        node(
          '--input-type=module',
          '-e',
          `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(join(out, entry))})).sort()))`,
        ),
      ) as string[];
    expect(keys('index.js')).toEqual(Object.keys(saturn).sort());
    expect(keys('testing.js')).toEqual(Object.keys(testing).sort());
  });

  it('writes its code in ASCII, which Node reads faster', () => {
    const code = readdirSync(out).filter((f) => /\.c?js$/.test(f));
    expect(code).toContain('cli-main.cjs');
    for (const f of code)
      expect(
        readFileSync(join(out, f)).every((byte) => byte < 0x80),
        f,
      ).toBe(true);
  });

  it('holds each module once, shared by the entry points', () => {
    // A module in two outputs would give `saturn` and `saturn/testing` two op tables, two error classes:
    // both come from the one script, and their ES modules hold no code of their own.
    expect(
      readFileSync(join(out, 'saturn.cjs'), 'utf8').match(
        /\bSaturnError\s*=\s*class\b|\bclass SaturnError\b/g,
      ),
    ).toHaveLength(1);
    for (const entry of ['index.js', 'testing.js'])
      expect(readFileSync(join(out, entry), 'utf8')).not.toMatch(/\bclass\b|from '\.\/chunk/);
  });
});
