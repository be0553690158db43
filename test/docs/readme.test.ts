/**
 * The README's tour is code users copy: it runs here, against the library, so it stays true. Each
 * `expr; // 'text'` line whose comment is a complete string literal is also checked for that value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as saturn from '../../src/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const tour = /## A short tour\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

// The tour awaits `compile` and `run` at its top level, so it runs as the body of an async function.
const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (lib: typeof saturn) => Promise<unknown>;

/** The tour as a function body: the import becomes a destructuring of the library's exports. */
function asFunction(code: string): (lib: typeof saturn) => Promise<unknown> {
  const body = code.replace(/^import \{([^}]*)\} from 'saturn';$/m, 'const {$1} = lib;');
  return new AsyncFunction('lib', body);
}

describe('README tour', () => {
  it('is present, imports from saturn and shows compile first', () => {
    expect(tour).toContain("from 'saturn'");
    expect(tour.indexOf('compile(')).toBeGreaterThan(0);
    expect(tour.indexOf('compile(')).toBeLessThan(tour.indexOf('optimize('));
  });

  it('runs without error', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(asFunction(tour)(saturn)).resolves.toBeUndefined();
    vi.restoreAllMocks();
  }, 60_000);

  it('shows the values it claims', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const checks = [...tour.matchAll(/^(.*?);\s*\/\/ '([^'…]*)'$/gm)];
    expect(checks.length).toBeGreaterThan(0);
    for (const [, expr, expected] of checks) {
      const program = `${tour.split(expr)[0]}\nreturn ${expr};`;
      expect(String(await asFunction(program)(saturn))).toBe(expected);
    }
    vi.restoreAllMocks();
  }, 120_000);
});
