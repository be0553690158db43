/**
 * `rules check`: everything Saturn can verify about rule files, as one typed report. Loading errors;
 * soundness of every rule by evaluation (`rules/soundness.ts`); rules whose right side changes the type
 * on some well-typed left side; hazards (growth, duplicates, rules that never fire); and the `check`
 * lines of the files, run through `optimize`. It lives at the root of `src/` because checks need the
 * optimizer, which the rule modules must not import.
 */
import type { DType } from '../graph/dtype.js';
import { SaturnError, SourceError } from '../graph/errors.js';
import { parseDecls, parseExpr } from '../graph/syntax/index.js';
import { formatExpr } from '../graph/syntax/format.js';
import { optimize } from '../optimize.js';
import { growthHazards, type Hazard, sameLeftSides } from './hazards.js';
import type { CheckSpec, RuleLibrary } from './library.js';
import { loadLibrary, type RuleSource } from './load.js';
import { checkSoundness, formatCounterexample, type SoundnessResult } from './soundness.js';

/** The outcome of one `check A ~> B` line. */
export interface CheckResult {
  readonly check: CheckSpec;
  readonly ok: boolean;
  /** What `A` optimized to (absent when it could not be parsed or optimized). */
  readonly got?: string;
  /** The failure as a located message (file, line, source line, caret). */
  readonly error?: SourceError;
}

/**
 * Runs the `check` lines of a library: optimizes each input with the check's mode (default `fast_run`)
 * and compares the result with the expected expression, parsed with the same declarations. Graphs are
 * hash-consed, so equal expressions are the same node; the printed forms are compared too.
 *
 * @example runChecks(defaultLibrary(), readRuleDir(SHIPPED_RULES_DIR)).every((c) => c.ok) // true
 */
export function runChecks(library: RuleLibrary, sources: readonly RuleSource[] = []): CheckResult[] {
  return library.checks.map((check) => {
    const at = (message: string) => checkError(check, sources, message);
    try {
      const vars = check.decls.trim() ? parseDecls(check.decls.replace(/;/g, '\n')) : {};
      const input = parseExpr(check.input, { vars });
      const expected = parseExpr(check.expected, { vars });
      const [out] = optimize(input, { library, mode: check.mode ?? 'fast_run' }).outputs;
      const found = out === expected || formatExpr(out) === formatExpr(expected);
      const got = formatExpr(out);
      if (found === !check.mustFail) return { check, ok: true, got };
      const message = check.mustFail
        ? `fail check: ${check.input} must not optimize to ${check.expected}, but it did`
        : `check failed: ${check.input} optimized to ${got}, expected ${check.expected}`;
      return { check, ok: false, got, error: at(message) };
    } catch (e) {
      if (!(e instanceof SaturnError)) throw e;
      // A `fail check` whose input cannot even be built does not produce B: it passes.
      if (check.mustFail) return { check, ok: true };
      return { check, ok: false, error: at(`check could not run: ${e.message.split('\n')[0]}`) };
    }
  });
}

/** A SourceError at a check's line: its text from the first non-blank character. */
function checkError(check: CheckSpec, sources: readonly RuleSource[], message: string): SourceError {
  const source = sources.find((s) => s.file === check.file)?.text ?? '';
  const text = source.split(/\r?\n/)[check.line - 1] ?? '';
  const column = text.length - text.trimStart().length + 1;
  return new SourceError(
    { source, file: check.file, line: check.line, column, length: Math.max(1, text.trim().length) },
    message,
  );
}

/** Options of {@link checkRules}. */
export interface RulesCheckOptions {
  /** Soundness draws per rule (default 100). */
  readonly runs?: number;
  readonly seed?: number;
  /** Only rules whose name contains this. */
  readonly filter?: string;
  /** Dtypes drawn for rule variables (default f64, f32, i64, i32). */
  readonly dtypes?: readonly DType[];
  /** Skip the growth probes (the slowest part). */
  readonly skipGrowth?: boolean;
  /**
   * A library the files are loaded on top of, not checked itself: its rulesets, modes and rules are in
   * scope (so a file of one's own can tag rules `[canonicalize]` and run `check` lines under the shipped
   * modes), and the files' own definitions shadow its. `rules check FILE` passes the shipped library
   * here unless `--alone`.
   */
  readonly base?: RuleLibrary;
}

/** Everything `rules check` found. */
export interface RulesCheckReport {
  readonly files: readonly string[];
  readonly errors: readonly SourceError[];
  readonly soundness: readonly SoundnessResult[];
  /** Rules whose right side changed the dtype or shape on some draws (the engine refuses those rewrites). */
  readonly typeChanging: readonly { readonly rule: string; readonly draws: number }[];
  readonly hazards: readonly Hazard[];
  readonly checks: readonly CheckResult[];
  /** Loading errors, unsound rules or failed checks: exit non-zero. */
  readonly ok: boolean;
}

/**
 * Loads rule files and checks everything about them.
 *
 * @example checkRules([{ text: 'ruleset r\nrule a [r]: exp(log(?x)) => ?x when positive(?x)', file: 'a.rules' }], { runs: 20 }).ok // true
 */
export function checkRules(
  sources: readonly RuleSource[],
  options: RulesCheckOptions = {},
): RulesCheckReport {
  const { library, errors } = loadLibrary(sources, options.base);
  const inBase = new Set<unknown>([...(options.base?.rules ?? []), ...(options.base?.checks ?? [])]);
  const own = { ...library, checks: library.checks.filter((c) => !inBase.has(c)) };
  const rules = library.rules.filter(
    (r) => !inBase.has(r) && (!options.filter || r.name.includes(options.filter)),
  );
  const soundness = rules.map((r) =>
    checkSoundness(r, { runs: options.runs, seed: options.seed, dtypes: options.dtypes }),
  );
  const typeChanging = soundness
    .map((s) => ({ rule: s.rule, draws: s.engine.typeChanged }))
    .filter((t) => t.draws > 0);
  const neverFires: Hazard[] = soundness
    .filter((s) => s.engine.runs > 0 && s.engine.applied === 0)
    .map((s) => ({
      kind: 'never-fires',
      rules: [s.rule],
      message: `${s.rule} never fired on its own left side (${s.engine.runs} tries)`,
    }));
  const engineErrors: Hazard[] = soundness
    .filter((s) => s.engine.error)
    .map((s) => ({
      kind: 'engine-error',
      rules: [s.rule],
      message: `applying ${s.rule} made the engine throw: ${s.engine.error}`,
    }));
  const hazards = [
    ...sameLeftSides(rules),
    ...neverFires,
    ...engineErrors,
    ...(options.skipGrowth ? [] : growthHazards({ ...own, rules })),
  ];
  const checks = options.filter ? [] : runChecks(own, sources);
  const ok =
    errors.length === 0 && soundness.every((s) => s.status !== 'unsound') && checks.every((c) => c.ok);
  return {
    files: sources.map((s) => s.file ?? '<input>'),
    errors,
    soundness,
    typeChanging,
    hazards,
    checks,
    ok,
  };
}

/** Options of {@link formatRulesCheck}. */
export interface FormatRulesCheckOptions {
  /** Also print notes: shared left sides, unsafe rules, rules whose types differ on some inputs. */
  readonly verbose?: boolean;
}

/**
 * The report for people: errors first, then unsound rules with counterexamples, warnings (things to
 * fix), notes with `verbose` (things that are so by design), and a summary.
 *
 * @example console.log(formatRulesCheck(checkRules(readRuleDir(SHIPPED_RULES_DIR)), { verbose: true }))
 */
export function formatRulesCheck(report: RulesCheckReport, options: FormatRulesCheckOptions = {}): string {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(`error: ${e.message}`, '');
  for (const s of report.soundness) {
    if (s.status !== 'unsound') continue;
    lines.push(`unsound: rule ${s.rule}${s.unsafe ? ' (tagged unsafe; checked without zeros)' : ''}`);
    if (s.counterexample) lines.push(indent(formatCounterexample(s.counterexample)));
    if (s.note) lines.push(indent(s.note));
    lines.push(`  (seed ${s.seed})`, '');
  }
  for (const c of report.checks) if (!c.ok && c.error) lines.push(`error: ${c.error.message}`, '');
  const untested = report.soundness.filter((s) => s.status === 'untested');
  for (const s of untested) lines.push(`warning: rule ${s.rule} not checked: ${s.note}`);
  for (const h of report.hazards) if (h.kind !== 'same-lhs') lines.push(`warning: ${h.message}`);
  const notes = options.verbose ? rulesCheckNotes(report) : [];
  lines.push(...notes.map((n) => `note: ${n}`));
  const sound = report.soundness.filter((s) => s.status === 'ok').length;
  const unsound = report.soundness.filter((s) => s.status === 'unsound').length;
  const passed = report.checks.filter((c) => c.ok).length;
  const hidden = options.verbose ? 0 : rulesCheckNotes(report).length;
  lines.push(
    '',
    `${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${report.soundness.length} rules: ` +
      `${sound} sound, ${unsound} unsound, ${untested.length} unchecked; ` +
      `${passed}/${report.checks.length} checks passed; ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}` +
      (hidden ? ` (${hidden} note${hidden === 1 ? '' : 's'}: --verbose)` : ''),
  );
  return lines.join('\n');
}

/** What is so by design and worth knowing when writing rules, one sentence each. */
function rulesCheckNotes(report: RulesCheckReport): string[] {
  const notes = report.hazards.filter((h) => h.kind === 'same-lhs').map((h) => h.message);
  if (report.typeChanging.length)
    notes.push(
      'these rules keep the value but not always the dtype or shape (an integer input to a float op, a ' +
        'side broadcast against a constant); the engine compares the types of both sides at each rewrite ' +
        `and declines those, so they apply only where the types agree: ${report.typeChanging.map((t) => t.rule).join(', ')}`,
    );
  const unsafe = report.soundness.filter((s) => s.unsafe).map((s) => s.rule);
  if (unsafe.length)
    notes.push(
      `unsafe rules (equal on the reals, not at NaN, Inf or zero; checked on other values): ${unsafe.join(', ')}`,
    );
  return notes;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
