/**
 * Loading rule files into a library: parse, turn syntax trees into rule patterns and guards, compile
 * each rule, and collect every error (with file, line, column and caret) instead of stopping at the
 * first, so `rules:check` can list them all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { SaturnError, SourceError } from '../graph/errors.js';
import type { AttrExpr, Span } from '../graph/syntax/ast.js';
import { sourceError } from '../graph/syntax/errors.js';
import { attrValue } from '../graph/syntax/lower.js';
import { readText } from '../read-text.js';
import { type Entry, fileEntries, type RuleEntry } from './entries.js';
import type { CheckSpec, ModeSpec, PhaseLimits, RuleLibrary } from './library.js';
import type { RulePattern } from './pattern.js';
import { CompiledRule, RuleCompileError } from './rule.js';
import { buildJson, parseBuildJson, readPrebuiltLibrary, withoutSpans } from './prebuilt.js';
import { parseRuleFileRecovering } from './syntax.js';

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

/** The build step's file of read rule files, next to this module (`scripts/build-syntax.mjs`). */
export const COMPILED_RULES_FILE = 'compiled-rules.json';

/**
 * The entries of rule files (`fileEntries`) by their text. Keyed by the text itself, not a hash of it:
 * hashing the shipped files in JavaScript cost ~8 ms of each cold load, looking up a string is native.
 */
export type ParsedRuleFiles = ReadonlyMap<string, Entry[]>;

/**
 * The build step's output for rule files: each file's entries (its items as patterns, guards, lines and
 * check texts) under its text, as JSON. Loading them skips the rule grammar and the conversion, and
 * compiles their rules only when first used (`CompiledRule`'s `checked`), so all of them are compiled
 * here once, together; a file whose text changed since is read again. Throws the first error of the
 * files (a shipped file with an error fails the build).
 *
 * @example writeFileSync('dist/rules/compiled-rules.json', compiledRuleFiles(readRuleDir(SHIPPED_RULES_DIR)))
 */
export function compiledRuleFiles(sources: readonly RuleSource[]): string {
  const files = sources.map((source) => {
    const { items, errors } = parseRuleFileRecovering(source.text, source.file);
    if (errors.length) throw errors[0];
    return { entries: fileEntries(items, source.text, source.file), source, checked: false };
  });
  // Compiles every rule, and puts the files together in one namespace: the errors of both.
  const { errors } = loadEntries(files);
  if (errors.length) throw errors[0];
  const byText: Record<string, Entry[]> = {};
  for (const { entries, source } of files)
    byText[source.text] = entries.map((e) =>
      e.kind === 'rule' && !('error' in e.made)
        ? {
            ...e,
            made: {
              ...e.made,
              lhs: withoutSpans(e.made.lhs),
              rhs: withoutSpans(e.made.rhs),
              guard: e.made.guard && withoutSpans(e.made.guard),
            },
          }
        : e,
    );
  return buildJson(byText);
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
  return parseCompiledRuleFiles(readText(path).text);
}

/**
 * Parses the text `compiledRuleFiles` wrote.
 *
 * @example loadLibrary(sources, undefined, parseCompiledRuleFiles(compiledRuleFiles(sources)))
 */
export function parseCompiledRuleFiles(text: string): ParsedRuleFiles {
  return new Map(Object.entries(parseBuildJson(text) as Record<string, Entry[]>));
}

/**
 * The shipped rule library, loaded once. Throws if a shipped file has an error (a bug in Saturn).
 *
 * @example optimize(out, { library: defaultLibrary() })
 */
export function defaultLibrary(): RuleLibrary {
  if (!shipped) {
    const sources = readRuleDir(SHIPPED_RULES_DIR);
    // The build's library while the files are those it was built from; else each file's build output
    // while its text is the same, the grammar for the others.
    shipped = readPrebuiltLibrary(sources);
    if (!shipped) {
      const { library, errors } = loadLibrary(sources, undefined, readCompiledRuleFiles());
      if (errors.length)
        throw new SaturnError(`the shipped rules have errors:\n${errors.map((e) => e.message).join('\n')}`);
      shipped = library;
    }
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
 * both (the base's rules compiled once, not again). `compiled` holds files parsed at build time, by
 * their text (`readCompiledRuleFiles`).
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
  const syntaxErrors: SourceError[] = [];
  const files = sources.map((source): FileEntries => {
    // A file read at build time loads without running the grammar (while its text is the same).
    const prebuilt = compiled.get(source.text);
    if (prebuilt) return { entries: prebuilt, source, checked: true };
    const { items, errors } = parseRuleFileRecovering(source.text, source.file);
    syntaxErrors.push(...errors);
    return { entries: fileEntries(items, source.text, source.file), source, checked: false };
  });
  const loaded = loadEntries(files, base);
  return { library: loaded.library, errors: [...syntaxErrors, ...loaded.errors] };
}

/** A file's entries; `checked`: the build step compiled its rules without error (`compiledRuleFiles`). */
interface FileEntries {
  readonly entries: readonly Entry[];
  readonly source: RuleSource;
  readonly checked: boolean;
}

/** Puts files' entries together in one namespace (see `loadLibrary`) and compiles their rules. */
function loadEntries(files: readonly FileEntries[], base?: RuleLibrary): LoadResult {
  const errors: SourceError[] = [];
  const rulesets = new Map<string, { doc?: string; replacing: boolean }>();
  const known = (name: string) => rulesets.has(name) || (base?.rulesets.has(name) ?? false);
  const ruleset = (name: string) => rulesets.get(name) ?? base?.rulesets.get(name);
  // The first declaration of a name wins, so files given first shadow those after them.
  for (const { entries } of files)
    for (const entry of entries)
      if (entry.kind === 'ruleset' && !rulesets.has(entry.name.name))
        rulesets.set(entry.name.name, { doc: entry.doc, replacing: entry.replacing });

  const rules: CompiledRule[] = [];
  const modes = new Map<string, ModeSpec>();
  const checks: CheckSpec[] = [];
  const ruleNames = new Set<string>();
  for (const { entries, source, checked } of files) {
    const at = (span: Span, message: string) => sourceError(source.text, span, message, source.file);
    for (const entry of entries) {
      try {
        if (entry.kind === 'rule') {
          if (ruleNames.has(entry.name.name))
            throw at(entry.name.span, `duplicate rule name '${entry.name.name}'`);
          ruleNames.add(entry.name.name);
          for (const tag of entry.tags)
            if (!known(tag.name))
              throw at(tag.span, `unknown ruleset '${tag.name}' (declare it with 'ruleset ${tag.name}')`);
          const replaces = entry.tags.some((t) => ruleset(t.name)?.replacing);
          rules.push(...compileEntry(entry, source, at, replaces, checked));
        } else if (entry.kind === 'mode') {
          if (modes.has(entry.name.name))
            throw at(entry.name.span, `duplicate mode name '${entry.name.name}'`);
          modes.set(entry.name.name, {
            name: entry.name.name,
            phases: entry.phases.map((p) => {
              for (const r of p.rulesets)
                if (!known(r.name))
                  throw at(r.span, `unknown ruleset '${r.name}' in mode '${entry.name.name}'`);
              return {
                name: p.rulesets.map((r) => r.name).join('+'),
                rulesets: p.rulesets.map((r) => r.name),
                ...phaseOptions(p.limits, at),
              };
            }),
          });
        } else if (entry.kind === 'check') checks.push({ ...entry.spec, file: source.file });
      } catch (e) {
        if (e instanceof SourceError) errors.push(e);
        else throw e;
      }
    }
  }
  return { library: { rules, rulesets, modes, checks }, errors };
}

type At = (span: Span, message: string) => SourceError;

function compileEntry(
  entry: RuleEntry,
  source: RuleSource,
  at: At,
  replaces: boolean,
  checked: boolean,
): CompiledRule[] {
  const { made, name } = entry;
  if ('error' in made) throw made.error;
  const tags = entry.tags.map((t) => t.name);
  const { guard, line, column, length } = made;
  const span = { source: source.text, file: source.file, line, column, length };
  const make = (ruleName: string, l: RulePattern, r: RulePattern) => {
    try {
      return new CompiledRule({ name: ruleName, tags, lhs: l, rhs: r, guard, span, replaces }, checked);
    } catch (e) {
      if (e instanceof RuleCompileError)
        throw at(e.at ?? name.span, e.message.replace(/^rule '[^']*': /, `rule '${name.name}': `));
      throw e;
    }
  };
  const forward = make(name.name, made.lhs, made.rhs);
  return entry.bidirectional ? [forward, make(`${name.name}~rev`, made.rhs, made.lhs)] : [forward];
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
