/**
 * Loading rule files into a library: parse, turn syntax trees into rule patterns and guards, compile
 * each rule, and collect every error (with file, line, column and caret) instead of stopping at the
 * first, so `rules:check` can list them all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { SaturnError, SourceError } from '../graph/errors.js';
import { getOp } from '../graph/op-table.js';
import type { AttrExpr, Expr, Span } from '../graph/syntax/ast.js';
import { sourceError } from '../graph/syntax/errors.js';
import { attrValue } from '../graph/syntax/lower.js';
import { sourceHash } from '../graph/syntax/recipe.js';
import { foldTree } from '../egraph/fold.js';
import type { GuardExpr } from './guards.js';
import type { CheckSpec, ModeSpec, PhaseLimits, RuleLibrary } from './library.js';
import type { AttrPattern, RulePattern } from './pattern.js';
import { CompiledRule, RuleCompileError } from './rule.js';
import { type GuardAst, type Item, parseRuleFile, parseRuleFileRecovering, type RuleItem } from './syntax.js';

/** A rule file's text and its name for messages. */
export interface RuleSource {
  readonly text: string;
  readonly file?: string;
}

/** A library and the errors met while loading it (the library holds whatever did load). */
export interface LoadResult {
  readonly library: RuleLibrary;
  readonly errors: readonly SourceError[];
}

/**
 * The folder of the shipped rule files: `rules/` at the package root, found by walking up from this
 * module (it runs from `src/rules/`, `dist/rules/` or a benchmark build one level deeper).
 */
export const SHIPPED_RULES_DIR = findRulesDir(dirname(fileURLToPath(import.meta.url)));

function findRulesDir(start: string): string {
  let dir = start;
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, 'rules');
    if (existsSync(join(candidate, '00-modes.rules'))) return candidate;
    dir = dirname(dir);
  }
  return join(start, '..', '..', 'rules');
}

/**
 * Reads the `.rules` files of a folder (sorted by name) as sources.
 *
 * @example readRuleDir(SHIPPED_RULES_DIR).map((s) => s.file)
 */
export function readRuleDir(dir: string): RuleSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rules'))
    .sort()
    .map((f) => ({ text: readFileSync(join(dir, f), 'utf8'), file: join(dir, f) }));
}

let shipped: RuleLibrary | undefined;

/** The build step's file of parsed rule files, next to this module (`scripts/build-syntax.mjs`). */
export const COMPILED_RULES_FILE = 'compiled-rules.json';

/** Parsed items of rule files by the hash of their text. */
export type ParsedRuleFiles = ReadonlyMap<string, Item[]>;

// JSON has no NaN, ±Infinity or -0, which rule literals may hold: they travel as {"$number": "…"}.
const encodeNumber = (_key: string, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
    ? { $number: Object.is(v, -0) ? '-0' : String(v) }
    : v;
const decodeNumber = (_key: string, v: unknown) =>
  v !== null && typeof v === 'object' && '$number' in v ? Number((v as { $number: string }).$number) : v;

/**
 * The build step's output for rule files: each file's parsed items under the hash of its text, as
 * JSON. Loading them skips the rule grammar; a file whose text changed since is parsed again.
 *
 * @example writeFileSync('dist/rules/compiled-rules.json', compiledRuleFiles(readRuleDir(SHIPPED_RULES_DIR)))
 */
export function compiledRuleFiles(sources: readonly RuleSource[]): string {
  const byHash: Record<string, Item[]> = {};
  for (const source of sources) byHash[sourceHash(source.text)] = parseRuleFile(source.text, source.file);
  return JSON.stringify(byHash, encodeNumber);
}

/**
 * Reads the build step's parsed rule files (empty when there are none, as when running from source).
 *
 * @example loadLibrary(readRuleDir(dir), undefined, readCompiledRuleFiles())
 */
export function readCompiledRuleFiles(
  url: URL = new URL(`./${COMPILED_RULES_FILE}`, import.meta.url),
): ParsedRuleFiles {
  const path = fileURLToPath(url);
  if (!existsSync(path)) return new Map();
  const text = readFileSync(path, 'utf8');
  // A reviver makes JSON.parse 4x slower (80 ms instead of 20 here); only a file with such numbers needs it.
  const parsed = JSON.parse(text, text.includes('"$number"') ? decodeNumber : undefined) as Record<
    string,
    Item[]
  >;
  return new Map(Object.entries(parsed));
}

/**
 * The shipped rule library, loaded once. Throws if a shipped file has an error (a bug in Saturn).
 *
 * @example optimize(out, { library: defaultLibrary() })
 */
export function defaultLibrary(): RuleLibrary {
  if (!shipped) {
    const { library, errors } = loadLibrary(
      readRuleDir(SHIPPED_RULES_DIR),
      undefined,
      readCompiledRuleFiles(),
    );
    if (errors.length)
      throw new SaturnError(`the shipped rules have errors:\n${errors.map((e) => e.message).join('\n')}`);
    shipped = library;
  }
  return shipped;
}

const withFiles = new Map<string, RuleLibrary>();

/**
 * The shipped library with rule files of one's own loaded next to it, in one namespace: their rules may
 * use the shipped rulesets (`[canonicalize]`) and modes, and their rules, rulesets and modes shadow
 * shipped ones of the same name. Loaded once per set of file contents. Throws a `SaturnError` listing
 * every error of the files (as `rules check` prints them).
 *
 * @example optimize(out, { library: libraryWithRules(['my.rules']) }) // what optimize(out, { rules: ['my.rules'] }) does
 */
export function libraryWithRules(files: readonly string[]): RuleLibrary {
  const sources = files.map((file) => {
    try {
      return { text: readFileSync(file, 'utf8'), file };
    } catch (e) {
      throw new SaturnError(`cannot read rule file '${file}': ${(e as Error).message}`);
    }
  });
  const key = JSON.stringify(sources);
  let library = withFiles.get(key);
  if (!library) {
    const loaded = loadLibrary(sources, defaultLibrary());
    if (loaded.errors.length)
      throw new SaturnError(
        `rule file errors (check them with 'saturn rules check ${files.join(' ')}'):\n${loaded.errors.map((e) => e.message).join('\n')}`,
      );
    library = loaded.library;
    withFiles.set(key, library);
  }
  return library;
}

/**
 * Loads rule files into one library. Rulesets, rules and modes of all files share one namespace; a
 * ruleset declared twice keeps its first declaration, a rule or mode defined twice is an error.
 *
 * With a `base` library (the shipped one), the files are loaded on top of it: they may use its rulesets
 * and modes, their rules, rulesets and modes shadow the base's of the same name, and the result holds
 * both (the base's rules compiled once, not again). `compiled` holds files parsed at build time, by the
 * hash of their text (`readCompiledRuleFiles`).
 *
 * @example const { library, errors } = loadLibrary([{ text: 'rule r [x]: exp(log(?x)) => ?x', file: 'a.rules' }])
 */
export function loadLibrary(
  sources: readonly RuleSource[],
  base?: RuleLibrary,
  compiled: ParsedRuleFiles = new Map(),
): LoadResult {
  const loaded = loadFiles(sources, base, compiled);
  if (!base) return loaded;
  const own = loaded.library;
  const ownNames = new Set(own.rules.map((r) => r.def.name.replace(/~rev$/, '')));
  const library: RuleLibrary = {
    rules: [...own.rules, ...base.rules.filter((r) => !ownNames.has(r.def.name.replace(/~rev$/, '')))],
    rulesets: new Map([...base.rulesets, ...own.rulesets]),
    modes: new Map([...base.modes, ...own.modes]),
    checks: [...base.checks, ...own.checks],
  };
  return { library, errors: loaded.errors };
}

function loadFiles(
  sources: readonly RuleSource[],
  base: RuleLibrary | undefined,
  compiled: ParsedRuleFiles,
): LoadResult {
  const errors: SourceError[] = [];
  const parsed: { items: Item[]; source: RuleSource }[] = [];
  for (const source of sources) {
    // A file parsed at build time loads without running the grammar (the hash says it is current).
    const prebuilt = compiled.size > 0 ? compiled.get(sourceHash(source.text)) : undefined;
    if (prebuilt) {
      parsed.push({ items: prebuilt, source });
      continue;
    }
    const { items, errors: syntaxErrors } = parseRuleFileRecovering(source.text, source.file);
    parsed.push({ items, source });
    errors.push(...syntaxErrors);
  }
  const rulesets = new Map<string, { doc?: string; replacing: boolean }>();
  const known = (name: string) => rulesets.has(name) || (base?.rulesets.has(name) ?? false);
  const ruleset = (name: string) => rulesets.get(name) ?? base?.rulesets.get(name);
  // The first declaration of a name wins, so files given first shadow those after them.
  for (const { items } of parsed)
    for (const item of items)
      if (item.kind === 'ruleset' && !rulesets.has(item.name.name))
        rulesets.set(item.name.name, { doc: item.doc, replacing: item.replacing });

  const rules: CompiledRule[] = [];
  const modes = new Map<string, ModeSpec>();
  const checks: CheckSpec[] = [];
  const ruleNames = new Set<string>();
  for (const { items, source } of parsed) {
    const at = (span: Span, message: string) => sourceError(source.text, span, message, source.file);
    const lines = new LineIndex(source.text);
    for (const item of items) {
      try {
        if (item.kind === 'rule') {
          if (ruleNames.has(item.name.name))
            throw at(item.name.span, `duplicate rule name '${item.name.name}'`);
          ruleNames.add(item.name.name);
          for (const tag of item.tags)
            if (!known(tag.name))
              throw at(tag.span, `unknown ruleset '${tag.name}' (declare it with 'ruleset ${tag.name}')`);
          const replaces = item.tags.some((t) => ruleset(t.name)?.replacing);
          rules.push(...compileItem(item, source, lines, at, replaces));
        } else if (item.kind === 'mode') {
          if (modes.has(item.name.name)) throw at(item.name.span, `duplicate mode name '${item.name.name}'`);
          modes.set(item.name.name, {
            name: item.name.name,
            phases: item.phases.map((p) => {
              for (const r of p.rulesets)
                if (!known(r.name))
                  throw at(r.span, `unknown ruleset '${r.name}' in mode '${item.name.name}'`);
              return {
                name: p.rulesets.map((r) => r.name).join('+'),
                rulesets: p.rulesets.map((r) => r.name),
                ...phaseOptions(p.limits, at),
              };
            }),
          });
        } else if (item.kind === 'check') {
          const line = lines.line(item.span.start);
          const decls = item.decls.map((d) => source.text.slice(d.span.start, d.span.end)).join('; ');
          checks.push({
            input: source.text.slice(item.inputSpan.start, item.inputSpan.end),
            expected: source.text.slice(item.expectedSpan.start, item.expectedSpan.end),
            decls,
            mustFail: item.mustFail,
            mode: item.mode,
            file: source.file,
            line,
          });
        }
      } catch (e) {
        if (e instanceof SourceError) errors.push(e);
        else throw e;
      }
    }
  }
  return { library: { rules, rulesets, modes, checks }, errors };
}

type At = (span: Span, message: string) => SourceError;

function compileItem(
  item: RuleItem,
  source: RuleSource,
  lines: LineIndex,
  at: At,
  replaces: boolean,
): CompiledRule[] {
  const lhs = toPattern(item.lhs, at);
  const rhs = toPattern(item.rhs, at);
  const guard = item.guard ? toGuard(item.guard) : undefined;
  const tags = item.tags.map((t) => t.name);
  const { start, end } = item.name.span;
  const line = lines.line(start);
  const span = {
    source: source.text,
    file: source.file,
    line,
    column: start - lines.lineStart(line) + 1,
    length: end - start,
  };
  const make = (name: string, l: RulePattern, r: RulePattern) => {
    try {
      return new CompiledRule({ name, tags, lhs: l, rhs: r, guard, span, replaces });
    } catch (e) {
      if (e instanceof RuleCompileError)
        throw at(e.at ?? item.name.span, e.message.replace(/^rule '[^']*': /, `rule '${item.name.name}': `));
      throw e;
    }
  };
  const forward = make(item.name.name, lhs, rhs);
  return item.bidirectional ? [forward, make(`${item.name.name}~rev`, rhs, lhs)] : [forward];
}

/**
 * Line numbers of offsets in one text, from its line starts found once: splitting the text before each
 * rule to count its lines was quadratic, and its garbage a fifth of loading the shipped library.
 */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The 1-based line of an offset. */
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.starts[line - 1];
  }
}

/** An argument of a call as the pattern walk sees it: an expression, or a list (refused when reached). */
type PatternSource = Expr | { readonly kind: 'list-arg'; readonly op: string; readonly span: Span };

/**
 * A syntax tree of the expression notation as a rule pattern; plain names are refused. Iterative (a
 * long sum is a chain as deep as it is long); errors come in the order a recursive walk meets them: an
 * op or a name where it is reached, an attribute once its args are done.
 */
function toPattern(root: Expr, at: At): RulePattern {
  return foldTree<PatternSource, RulePattern>(
    root,
    (e) => {
      if (e.kind !== 'call') return [];
      // Lists are rare: the args themselves serve unless one is a list.
      if (!e.args.some((a) => a.kind === 'list')) return e.args as readonly Expr[];
      return e.args.map((a) =>
        a.kind === 'list' ? { kind: 'list-arg' as const, op: e.op, span: a.span } : a,
      );
    },
    (e, args) => {
      if (e.kind === 'number') return { kind: 'literal', value: e.value, span: e.span };
      if (e.kind === 'var') return { kind: 'var', name: e.name, span: e.span };
      if (e.kind !== 'call') throw new Error(`unreachable: ${e.kind} is refused when reached`);
      // -(literal) is the negative literal, so `?x * -1` matches a constant -1.
      if (e.op === 'neg' && args.length === 1 && args[0].kind === 'literal')
        return { kind: 'literal', value: -args[0].value };
      const def = getOp(e.op);
      const attrs: Record<string, AttrPattern> = {};
      for (const a of e.attrs) {
        if (!(a.name in def.attrs)) {
          const known = Object.keys(def.attrs);
          throw at(
            a.span,
            `${e.op} has no attribute '${a.name}'${known.length ? ` (attributes: ${known.join(', ')})` : ''}`,
          );
        }
        attrs[a.name] = toAttr(a.value);
      }
      return { kind: 'op', op: e.op, args, attrs, span: e.opSpan };
    },
    (e) => {
      if (e.kind === 'name') throw at(e.span, `'${e.name}' is not a pattern variable (write ?${e.name})`);
      if (e.kind === 'list-arg') throw at(e.span, `${e.op}: a list is not a tensor argument in a rule`);
      if (e.kind === 'call')
        try {
          getOp(e.op);
        } catch (err) {
          throw at(e.opSpan, err instanceof Error ? err.message : String(err));
        }
    },
  );
}

function toAttr(v: AttrExpr): AttrPattern {
  if (v.kind === 'unknown' && /^\?[A-Za-z_]/.test(v.name)) return { kind: 'var', name: v.name, span: v.span };
  return { kind: 'value', value: attrValue(v) };
}

function toGuard(g: GuardAst): GuardExpr {
  switch (g.kind) {
    case 'and':
    case 'or':
      return { kind: g.kind, args: g.args.map(toGuard) };
    case 'not':
      return { kind: 'not', arg: toGuard(g.arg) };
    case 'compare':
      return { kind: 'compare', op: g.op, left: toGuard(g.left), right: toGuard(g.right) };
    case 'call':
      return { kind: 'call', name: g.name, args: g.args.map(toGuard), span: g.span };
    case 'var':
      return { kind: 'var', name: g.name, span: g.span };
    case 'number':
      return { kind: 'number', value: g.value };
    case 'word':
      return { kind: 'word', value: g.value };
  }
}

const LIMIT_NAMES: Record<string, keyof PhaseLimits> = {
  iterations: 'iterations',
  nodes: 'nodes',
  time_ms: 'timeMs',
};

function phaseOptions(
  args: readonly { name: string; value: AttrExpr; span: Span }[],
  at: At,
): { limits: PhaseLimits; restart: boolean } {
  const limits: Record<string, number> = {};
  let restart = false;
  for (const a of args) {
    if (a.name === 'restart') {
      const value = attrValue(a.value);
      if (typeof value !== 'boolean') throw at(a.value.span, `phase option 'restart' must be true or false`);
      restart = value;
      continue;
    }
    const key = LIMIT_NAMES[a.name];
    if (!key)
      throw at(
        a.span,
        `unknown phase limit '${a.name}' (limits: ${Object.keys(LIMIT_NAMES).join(', ')}; option: restart)`,
      );
    const value = attrValue(a.value);
    if (typeof value !== 'number' || !(value > 0))
      throw at(a.value.span, `phase limit '${a.name}' must be a positive number`);
    limits[key] = value;
  }
  return { limits, restart };
}
