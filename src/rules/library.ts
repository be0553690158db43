/**
 * A rule library: the compiled rules of one or more rule files, the rulesets (tags) they declare, the
 * optimization modes (schedules of phases over rulesets, each phase with its limits), and the checks
 * written in the files.
 */
import { OpError } from '../graph/errors.js';
import { editDistance } from '../graph/op-table.js';
import type { CompiledRule } from './rule.js';

/** Limits of one saturation phase; omitted limits take the runner's defaults. */
export interface PhaseLimits {
  readonly iterations?: number;
  readonly nodes?: number;
  readonly timeMs?: number;
}

/** One phase of a mode: the rulesets saturated together, and its limits. */
export interface PhaseSpec {
  readonly name: string;
  readonly rulesets: readonly string[];
  readonly limits: PhaseLimits;
  /**
   * Start this phase from the graph extracted so far, in a fresh e-graph: later phases then see only
   * the chosen forms, which keeps them small and fast. Phases that must see every form (stabilize
   * after canonicalize) belong in one phase, or in phases without restart.
   */
  readonly restart: boolean;
}

/** An optimization mode: phases run in order on one e-graph, so later phases see every earlier form. */
export interface ModeSpec {
  readonly name: string;
  readonly phases: readonly PhaseSpec[];
}

/** A `check A ~> B` written in a rule file, run by rules:check and the test suite. */
export interface CheckSpec {
  readonly input: string;
  readonly expected: string;
  readonly decls: string;
  /** True for `fail check`: the rewrite must not be found. */
  readonly mustFail: boolean;
  readonly mode?: string;
  readonly file?: string;
  readonly line: number;
}

/** Everything loaded from rule files. */
export interface RuleLibrary {
  readonly rules: readonly CompiledRule[];
  readonly rulesets: ReadonlyMap<string, { readonly doc?: string; readonly replacing: boolean }>;
  readonly modes: ReadonlyMap<string, ModeSpec>;
  readonly checks: readonly CheckSpec[];
}

/**
 * The rules that run in a phase: those tagged with one of the phase's rulesets or with an included tag,
 * and with no excluded tag.
 *
 * @example rulesForPhase(lib, phase, { exclude: ['unsafe'] })
 */
export function rulesForPhase(
  library: RuleLibrary,
  phase: PhaseSpec,
  tags: { include?: readonly string[]; exclude?: readonly string[] } = {},
): readonly CompiledRule[] {
  // Asked once per phase of every optimize: filtering 450 rules by tag each time was ~3% of a warm one.
  let cached = phaseRules.get(library.rules);
  if (!cached) {
    cached = new Map();
    phaseRules.set(library.rules, cached);
  }
  const key = JSON.stringify([phase.rulesets, tags.include ?? [], tags.exclude ?? []]);
  let rules = cached.get(key);
  if (!rules) {
    const wanted = new Set([...phase.rulesets, ...(tags.include ?? [])]);
    const excluded = new Set(tags.exclude ?? []);
    rules = library.rules.filter(
      (r) => r.def.tags.some((t) => wanted.has(t)) && !r.def.tags.some((t) => excluded.has(t)),
    );
    cached.set(key, rules);
  }
  return rules;
}

/** The rules of each phase and tag choice, per library (see `rulesForPhase`). */
const phaseRules = new WeakMap<readonly CompiledRule[], Map<string, readonly CompiledRule[]>>();

/** Up to three names within two edits of `name`, as a ` (did you mean …?)` hint, or ''. */
function didYouMean(name: string, known: Iterable<string>): string {
  const close = [...known].filter((k) => editDistance(k, name) <= 2).slice(0, 3);
  return close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)` : '';
}

/**
 * The message for a mode the library does not define, with the modes it does.
 *
 * @example unknownModeMessage(defaultLibrary(), 'fast') // "unknown mode 'fast' (did you mean …?; modes: none, fast_run, …)"
 */
export function unknownModeMessage(library: RuleLibrary, mode: string): string {
  const modes = ['none', ...library.modes.keys()];
  const hint = didYouMean(mode, modes);
  return `unknown mode '${mode}'${hint} (modes: ${modes.join(', ')})`;
}

/**
 * Throws an OpError for an `include` or `exclude` tag that no ruleset of the library declares: a
 * misspelled `unsafee` would otherwise exclude nothing, silently.
 *
 * @example checkTags(defaultLibrary(), { exclude: ['unsafee'] }) // throws "exclude: unknown ruleset 'unsafee' (did you mean 'unsafe'?) …"
 */
export function checkTags(
  library: RuleLibrary,
  tags: { include?: readonly string[]; exclude?: readonly string[] },
): void {
  for (const which of ['include', 'exclude'] as const)
    for (const tag of tags[which] ?? [])
      if (!library.rulesets.has(tag))
        throw new OpError(
          `${which}: unknown ruleset '${tag}'${didYouMean(tag, library.rulesets.keys())} (rulesets: ${[...library.rulesets.keys()].join(', ')})`,
        );
}
