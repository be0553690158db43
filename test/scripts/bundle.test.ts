/**
 * The build's bundle (scripts/bundle.mjs): the package's entry points bundled with shared chunks work
 * as the modules do. Bundled here from src/ into a folder under node_modules/.cache (the bundle keeps
 * packages external, so it must sit where Node finds node_modules), which needs no tsc build.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
    ],
    { cwd: root },
  );
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const node = (...args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8', cwd: root });

describe('the bundle', () => {
  it('runs the command line as the modules do, finding its grammar and rule files', async () => {
    const args = ['optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]'];
    // Phase and time lines hold wall-clock figures; the rest is the result.
    const result = (text: string) =>
      text
        .split('\n')
        .filter((l) => !/^(phase|time) /.test(l))
        .join('\n');
    const inProcess = await runCli(...args);
    expect(inProcess.code).toBe(0);
    expect(result(node(join(out, 'cli.js'), ...args))).toBe(result(inProcess.out + '\n'));
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
