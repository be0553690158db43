/**
 * The build's bundle (scripts/bundle.mjs): the package's entry points bundled with shared chunks work
 * as the modules do, and the CLI's script with its code cache (scripts/code-cache.mjs) as well. Bundled
 * here from src/ into a folder under node_modules/.cache (the bundle keeps packages external, so it
 * must sit where Node finds node_modules), which needs no tsc build.
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
import * as saturn from '../../src/index.js';
import * as testing from '../../src/testing/index.js';
import { runCli } from '../cli/run-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let out = '';

beforeAll(() => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  out = mkdtempSync(join(cache, 'saturn-bundle-test-'));
  execFileSync(
    process.execPath,
    [
      join(root, 'scripts/bundle.mjs'),
      out,
      'index=src/index.ts',
      'testing=src/testing/index.ts',
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

/** The bundled CLI's output, and what it says of its code cache. */
function cli(...args: string[]): { out: string; cache: string | undefined } {
  const run = spawnSync(process.execPath, [join(out, 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, SATURN_DEBUG: 'code-cache' },
  });
  expect(run.status, run.stderr).toBe(0);
  return { out: run.stdout, cache: /saturn: code cache (\w+)/.exec(run.stderr)?.[1] };
}

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
    const file = join(out, 'cli-main.cjs.cache');
    const saved = join(out, 'saved.cache');
    copyFileSync(file, saved);
    try {
      const bytes = readFileSync(file);
      const header = bytes.indexOf(0x0a);
      const expected = result((await runCli(...OPTIMIZE)).out + '\n');
      const run = () => {
        const { out: text, cache } = cli(...OPTIMIZE);
        return { out: result(text), cache };
      };
      // Another script's hash: a rebuilt script keeps its length often enough, and V8 checks only that.
      writeFileSync(file, Buffer.concat([Buffer.from('0'.repeat(64)), bytes.subarray(64)]));
      expect(run()).toEqual({ out: expected, cache: 'stale' });
      // The right hash, but bytes that are not V8's cache.
      writeFileSync(file, Buffer.concat([bytes.subarray(0, header + 1), Buffer.alloc(1000, 7)]));
      expect(run()).toEqual({ out: expected, cache: 'rejected' });
      rmSync(file);
      expect(run()).toEqual({ out: expected, cache: 'missing' });
    } finally {
      copyFileSync(saved, file);
      rmSync(saved);
    }
  }, 180_000); // three fresh CLI processes, each a second or more on a loaded machine

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
    // A module in two outputs would give `saturn` and `saturn/testing` two op tables, two error classes.
    const defining = readdirSync(out)
      .filter((f) => f.endsWith('.js'))
      .filter((f) =>
        /\bSaturnError = class\b|\bclass SaturnError\b/.test(readFileSync(join(out, f), 'utf8')),
      );
    expect(defining).toHaveLength(1);
  });
});
