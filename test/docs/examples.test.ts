/**
 * The TSDoc `@example`s of src/ are code users copy: each runs here against the library, with every
 * export of `saturn` and `saturn/testing` in scope, and each `expr; // value` line whose comment is a
 * plain literal (a string, number, boolean, array or object without `…` or "e.g.") is checked for that
 * value. An example that uses names it does not define (a fragment such as `optimize(outputs)`) cannot
 * run on its own; such examples are listed, and may not hide a value claim that is false.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import * as saturn from '../../src/index.js';
import * as testing from '../../src/testing/index.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

interface Example {
  readonly where: string;
  readonly code: string;
  /** The module the example documents: its own exports are in scope too. */
  readonly path: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The `@example` blocks of a file: the lines after the tag up to the next tag or the comment's end. */
function examplesOf(path: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const out: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const lines = comment[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    for (let i = 0; i < lines.length; i++) {
      const tag = /^@example\s*(.*)$/.exec(lines[i]);
      if (!tag) continue;
      const body = [tag[1]];
      for (let j = i + 1; j < lines.length && !lines[j].startsWith('@'); j++) body.push(lines[j]);
      let code = body.join('\n').trim();
      const fence = /^```\w*\n([\s\S]*?)\n```/.exec(code);
      // A fenced block is the code between its fences; a one-line example may be written as inline
      // code: `expr` followed by prose.
      if (fence) code = fence[1];
      else if (code.startsWith('`')) code = code.slice(1, code.indexOf('`', 1));
      const line = text.slice(0, comment.index).split('\n').length + i;
      if (code) out.push({ where: `${relative(SRC, path)}:${line}`, code, path });
    }
  }
  return out;
}

const EXAMPLES = sourceFiles(SRC).flatMap(examplesOf);
const SCOPE: Record<string, unknown> = { ...testing, ...saturn, console };

/** `expr // literal` claims: the literal parsed as JavaScript, or undefined when it is not a plain one. */
function claim(comment: string): { value: unknown } | undefined {
  const text = comment.trim();
  if (/…|e\.g\.|\.\.\.|^throws|^passes|^\w+ \w+ \w+/.test(text)) return undefined;
  // `Float32Array [1, 2]`, as Node prints typed arrays.
  const typed = /^(Float32Array|Float64Array|Int32Array|Uint8Array|BigInt64Array) (\[.*\])$/.exec(text);
  if (typed) return { value: { typedArray: typed[1], values: JSON.parse(typed[2]) as unknown } };
  try {
    return { value: new Function(`return (${text});`)() };
  } catch {
    return undefined;
  }
}

/** Whether an example claims a value (`// literal`) or an error (`// throws Name`) anywhere. */
function claimsSomething(example: Example): boolean {
  return example.code.split('\n').some((line) => {
    const m = /^(.*?);?\s*\/\/\s?(.*)$/.exec(line);
    return m !== null && m[1].trim() !== '' && (/^throws \w+/.test(m[2]) || claim(m[2]) !== undefined);
  });
}

/** Runs an example's statements, returning the value of `expr` at each `expr; // literal` line. */
async function run(
  example: Example,
): Promise<{ claims: { expr: string; expected: unknown; got: unknown }[] }> {
  const lines = example.code.split('\n');
  const claims: { expr: string; expected: unknown; got: unknown }[] = [];
  const program: string[] = [];
  const expected: unknown[] = [];
  const scope: Record<string, unknown> = { ...((await import(example.path)) as object), ...SCOPE };
  // Names the example declares itself shadow the scope's (a parameter and a const may not share one).
  const declared = new Set(
    [...example.code.matchAll(/\b(?:const|let|var|function|class)\s+(\{[^}]*\}|\[[^\]]*\]|[\w$]+)/g)].flatMap(
      (m) => m[1].match(/[\w$]+/g) ?? [],
    ),
  );
  const names = Object.keys(scope).filter((n) => !declared.has(n));
  const body: string[] = [];
  for (const line of lines) {
    const m = /^(.*?);?\s*\/\/\s?(.*)$/.exec(line);
    const expr = m?.[1].trim().replace(/;$/, '') ?? '';
    const throws = m && expr && /^throws (\w+)/.exec(m[2]);
    const c = m && expr && !expr.startsWith('//') ? claim(m[2]) : undefined;
    if (throws)
      body.push(
        `try { ${expr}; __claims.push([${JSON.stringify(expr)}, 'throws ${throws[1]}', 'returned']); } catch (e) { __claims.push([${JSON.stringify(expr)}, 'throws ${throws[1]}', 'throws ' + e.name]); }`,
      );
    else if (c) {
      expected.push(c.value);
      body.push(`__claims.push([${JSON.stringify(expr)}, __expected[${expected.length - 1}], (${expr})]);`);
    } else body.push(line.replace(/^import .*$/, ''));
  }
  program.push(...body);
  const js = ts.transpileModule(program.join('\n'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  }).outputText;
  const collected: [string, unknown, unknown][] = [];
  new Function('__claims', '__expected', ...names, js)(collected, expected, ...names.map((n) => scope[n]));
  for (const [expr, expected, got] of collected) claims.push({ expr, expected, got });
  return { claims };
}

/** What a claimed value is compared as: strings with String(), the rest structurally. */
function comparable(expected: unknown, got: unknown): unknown {
  if (expected && typeof expected === 'object' && 'typedArray' in expected)
    return ArrayBuffer.isView(got)
      ? { typedArray: got.constructor.name, values: Array.from(got as unknown as ArrayLike<number>, Number) }
      : got;
  if (typeof expected === 'string') return String(got);
  if (got && typeof got === 'object' && 'toArray' in got && typeof got.toArray === 'function')
    return got.toArray();
  if (ArrayBuffer.isView(got)) return Array.from(got as unknown as ArrayLike<number>);
  return got;
}

describe('TSDoc examples', () => {
  it('are found', () => {
    expect(EXAMPLES.length).toBeGreaterThan(150);
  });

  // One test per example that claims a value: a fragment that needs names from a larger program is
  // skipped (shown as such), everything else must run and show what it says.
  it.for(EXAMPLES.filter(claimsSomething).map((e) => [e.where, e] as const))(
    '%s',
    async ([, example], ctx) => {
      vi.spyOn(console, 'log').mockImplementation(() => {});
      let claims: Awaited<ReturnType<typeof run>>['claims'];
      try {
        ({ claims } = await run(example));
      } catch (e) {
        if (e instanceof ReferenceError || e instanceof SyntaxError)
          return ctx.skip(`a fragment: ${e.message}`);
        throw e;
      } finally {
        vi.restoreAllMocks();
      }
      expect(claims.length).toBeGreaterThan(0);
      for (const c of claims) {
        const got = comparable(c.expected, c.got);
        if (!(Number.isNaN(got) && Number.isNaN(c.expected))) expect(got, c.expr).toEqual(c.expected);
      }
    },
  );
});
