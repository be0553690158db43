/**
 * The README's tour is code users copy: it runs here, against the library, so it stays true. Each
 * `expr; // 'text'` line whose comment is a complete string literal is also checked for that value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as saturn from '../../src/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const tour = /## A short tour\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

/** The tour as a function body: the import becomes a destructuring of the library's exports. */
function asFunction(code: string): (lib: typeof saturn) => unknown {
  const body = code.replace(/^import \{([^}]*)\} from 'saturn';$/m, 'const {$1} = lib;');
  return new Function('lib', body) as (lib: typeof saturn) => unknown;
}

describe('README tour', () => {
  it('is present and imports from saturn', () => {
    expect(tour).toContain("from 'saturn'");
  });

  it('runs without error', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(() => asFunction(tour)(saturn)).not.toThrow();
    vi.restoreAllMocks();
  });

  it('shows the values it claims', () => {
    const checks = [...tour.matchAll(/^(.*?);\s*\/\/ '([^'…]*)'$/gm)];
    expect(checks.length).toBeGreaterThan(0);
    for (const [, expr, expected] of checks) {
      const program = `${tour.split(expr)[0]}\nreturn ${expr};`;
      expect(String(asFunction(program)(saturn))).toBe(expected);
    }
  });
});
