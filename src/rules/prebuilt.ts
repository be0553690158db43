/**
 * The shipped rule library as the build step loaded it, in a file that loads without the rule grammar
 * and without building every rule's patterns: the first line is JSON holding the rule files' texts, the
 * rulesets, modes and checks, and one row per rule (name, tags, where it is written, its left side's
 * ops); after it come the rules' patterns and guards with their compiled left sides, one JSON text
 * each, which a rule parses when it is first compiled. A small graph uses about two fifths of the
 * rules, and parsing every pattern at each start, with the garbage collections of the objects it
 * built, was most of loading the library.
 *
 * The file is used only while the rule files' texts are those it was built from (`readPrebuiltLibrary`),
 * so the text files stay the source of truth; any other text loads through `loadLibrary`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import type { SourceSpan } from '../graph/errors.js';
import type { GuardExpr } from './guards.js';
import { type CompiledLhs, compileLhs, lhsFromParts, type LhsParts, lhsParts } from './lhs.js';
import type { CheckSpec, ModeSpec, RuleLibrary } from './library.js';
import type { RulePattern } from './pattern.js';
import { CompiledRule, type RuleDef } from './rule.js';

/** The build step's prebuilt library, next to this module (`scripts/build-syntax.mjs`). */
export const PREBUILT_LIBRARY_FILE = 'prebuilt-library.txt';

/** A rule file's text and its name for messages (as `readRuleDir` gives them). */
interface Source {
  readonly text: string;
  readonly file?: string;
}

/** A rule's row: name, tags, replaces (0 or 1), file index, line, column, length, ops, start, end of its sides. */
type RuleRow = [string, string[], number, number, number, number, number, string[], number, number];

/** The first line of the file. */
interface Header {
  readonly texts: string[];
  readonly rulesets: [string, { doc?: string; replacing: boolean }][];
  readonly modes: [string, ModeSpec][];
  /** Each check with the index of its file, whose name comes from the sources at load. */
  readonly checks: [number, Omit<CheckSpec, 'file'>][];
  readonly rules: RuleRow[];
}

/** A rule's sides as the file holds them, with its left side compiled when that is plain data. */
interface Sides {
  readonly lhs: RulePattern;
  readonly rhs: RulePattern;
  readonly guard?: GuardExpr;
  readonly lhsParts?: LhsParts;
}

// JSON has no NaN, ±Infinity or -0, which rule literals may hold: they travel as {"$number": "…"}.
const encodeNumber = (_key: string, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
    ? { $number: Object.is(v, -0) ? '-0' : String(v) }
    : v;
const decodeNumber = (_key: string, v: unknown) =>
  v !== null && typeof v === 'object' && '$number' in v ? Number((v as { $number: string }).$number) : v;

/**
 * JSON of build outputs: numbers JSON lacks as `{"$number": "…"}` (`parseBuildJson` reads them back), in
 * ASCII, which loads faster (`readText`): other characters as JSON escapes.
 *
 * @example buildJson({ value: -0 }) // '{"value":{"$number":"-0"}}'
 */
export function buildJson(value: unknown): string {
  return JSON.stringify(value, encodeNumber).replace(
    /[^\0-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Parses what `buildJson` wrote.
 *
 * @example parseBuildJson('{"value":{"$number":"-0"}}') // { value: -0 }
 */
export function parseBuildJson(text: string): unknown {
  // A reviver makes JSON.parse about 4x slower; only a text with such numbers needs it.
  return JSON.parse(text, text.includes('"$number"') ? decodeNumber : undefined);
}

/**
 * The build step's file for a library loaded from `sources` (without errors: the caller checks): see
 * the module's comment. Patterns and guards are written without the spans of their parts, which only
 * locate errors in compiling a rule, and the build step has compiled them all.
 *
 * @example writeFileSync('dist/rules/prebuilt-library.txt', prebuiltLibraryFile(sources, loadLibrary(sources).library))
 */
export function prebuiltLibraryFile(sources: readonly Source[], library: RuleLibrary): string {
  const fileOf = (text: string) => {
    const i = sources.findIndex((s) => s.text === text);
    if (i < 0) throw new Error('prebuiltLibraryFile: a rule of the library comes from none of the sources');
    return i;
  };
  const rows: RuleRow[] = [];
  let body = '';
  for (const rule of library.rules) {
    const { name, tags, replaces, span, lhs, rhs, guard } = rule.def;
    if (!span) throw new Error(`prebuiltLibraryFile: rule '${name}' has no source span`);
    // The compiled left side too (checking attributes took most of compiling the rules a first
    // optimize uses), when JSON gives it back as it is.
    const parts = lhsParts(lhs);
    const exact = plainData(parts);
    const sides = buildJson({
      lhs: withoutSpans(lhs),
      rhs: withoutSpans(rhs),
      guard: withoutSpans(guard),
      lhsParts: exact ? parts : undefined,
    });
    const start = body.length;
    body += sides;
    const { line, column, length } = span;
    rows.push([
      name,
      [...tags],
      replaces ? 1 : 0,
      fileOf(span.source),
      line,
      column,
      length,
      [...rule.ops],
      start,
      body.length,
    ]);
  }
  const header: Header = {
    texts: sources.map((s) => s.text),
    rulesets: [...library.rulesets],
    modes: [...library.modes],
    checks: library.checks.map(({ file, ...check }) => [sources.findIndex((s) => s.file === file), check]),
    rules: rows,
  };
  return `${buildJson(header)}\n${body}`;
}

/** Whether `buildJson` gives `x` back as it is: no undefined, no class instances (a Tensor). */
function plainData(x: unknown): boolean {
  if (x === null || ['number', 'string', 'boolean'].includes(typeof x)) return true;
  if (Array.isArray(x)) return x.every(plainData);
  return (
    typeof x === 'object' &&
    Object.getPrototypeOf(x) === Object.prototype &&
    Object.values(x).every(plainData)
  );
}

/**
 * A pattern or guard without the spans of its parts: they locate errors in compiling a rule, which the
 * build step's rules have not, and were two fifths of its files (~10 ms of JSON.parse per cold load).
 *
 * @example withoutSpans({ kind: 'var', name: '?x', span: { start: 0, end: 2 } }) // { kind: 'var', name: '?x' }
 */
export function withoutSpans<T>(x: T): T {
  if (Array.isArray(x)) return x.map(withoutSpans) as T;
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x)
      .filter(([key]) => key !== 'span')
      .map(([key, v]) => [key, withoutSpans(v)]),
  ) as T;
}

/**
 * The library in the build step's file at `url` when it was built from exactly these sources (the same
 * texts in the same order), else undefined (no file, as when running from source, or edited rule files).
 * Its rules are compiled on first use (`CompiledRule`'s `checked`) and parse their sides then.
 *
 * @example readPrebuiltLibrary(readRuleDir(SHIPPED_RULES_DIR)) ?? loadLibrary(readRuleDir(SHIPPED_RULES_DIR)).library
 */
export function readPrebuiltLibrary(
  sources: readonly Source[],
  url: URL = new URL(`./${PREBUILT_LIBRARY_FILE}`, import.meta.url),
): RuleLibrary | undefined {
  const path = fileURLToPath(url);
  if (!existsSync(path)) return undefined;
  // Kept as bytes, which each rule reads its sides from: the file is ASCII (`buildJson`), and making all
  // of it a string cost ~3 ms of CPU per start.
  const bytes = readFileSync(path);
  const headerEnd = bytes.indexOf(0x0a);
  const header = parseBuildJson(bytes.toString('latin1', 0, headerEnd)) as Header;
  if (header.texts.length !== sources.length || header.texts.some((t, i) => t !== sources[i].text))
    return undefined;
  const bodyStart = headerEnd + 1;
  const rules = header.rules.map(
    ([name, tags, replaces, fileIndex, line, column, length, ops, start, end]) => {
      const { text: source, file } = sources[fileIndex];
      const span: SourceSpan = { source, file, line, column, length };
      const def = new PrebuiltRuleDef(
        name,
        tags,
        replaces === 1,
        span,
        bytes,
        bodyStart + start,
        bodyStart + end,
      );
      return new CompiledRule(def, true, ops, () => def.compiledLhs());
    },
  );
  return {
    rules,
    rulesets: new Map(header.rulesets),
    modes: new Map(header.modes),
    checks: header.checks.map(([fileIndex, check]) => ({ ...check, file: sources[fileIndex]?.file })),
  };
}

/** A rule of the prebuilt file: its sides are parsed from the file's bytes when first read. */
class PrebuiltRuleDef implements RuleDef {
  // Private fields, so the def's own properties are those of a RuleDef (spreading it copies no more).
  readonly #bytes: Buffer;
  readonly #start: number;
  readonly #end: number;
  #sides?: Sides;

  constructor(
    readonly name: string,
    readonly tags: readonly string[],
    readonly replaces: boolean,
    readonly span: SourceSpan,
    bytes: Buffer,
    start: number,
    end: number,
  ) {
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
  }

  get lhs(): RulePattern {
    return this.sides().lhs;
  }

  get rhs(): RulePattern {
    return this.sides().rhs;
  }

  get guard(): GuardExpr | undefined {
    return this.sides().guard;
  }

  /** The rule's compiled left side, from the build step's parts when the file has them. */
  compiledLhs(): CompiledLhs {
    const { lhs, lhsParts } = this.sides();
    return lhsParts ? lhsFromParts(lhsParts) : compileLhs(lhs);
  }

  private sides(): Sides {
    return (this.#sides ??= parseBuildJson(this.#bytes.toString('latin1', this.#start, this.#end)) as Sides);
  }
}
