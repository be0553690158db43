/**
 * Hazards of a rule library that are not unsoundness: rules that grow the e-graph without bound (alone,
 * or together with their ruleset), rules whose left side is another rule's up to variable renaming
 * (duplicates when the right side and guard match too), and rules that never fire on their own left side.
 */
import { foldTree } from '../egraph/fold.js';
import { Runner } from '../egraph/run.js';
import { addGraph, createTensorEGraph } from '../egraph/tensor/index.js';
import { apply } from '../graph/apply.js';
import { T } from '../graph/builders.js';
import type { Node } from '../graph/node.js';
import type { AttrValue } from '../graph/op-def.js';
import { typeTemplates } from './draws.js';
import { formatGuard } from './guards.js';
import type { RuleLibrary } from './library.js';
import { formatPattern, patternArgs, type RulePattern } from './pattern.js';
import { type CompiledRule, RuleSet } from './rule.js';

/** One hazard: what kind, the rules involved, and a sentence for people. */
export interface Hazard {
  readonly kind: 'grows-alone' | 'grows-together' | 'duplicate' | 'same-lhs' | 'never-fires' | 'engine-error';
  readonly rules: readonly string[];
  readonly message: string;
}

/** Limits of the growth probes: small, so a run of every rule takes well under a second. */
export interface ProbeLimits {
  readonly nodes?: number;
  readonly iterations?: number;
  readonly timeMs?: number;
}

/** A pattern with variables renamed in order of first occurrence (`?v0`, `?v1`, …), as a string. */
function canonical(p: RulePattern, names = new Map<string, string>()): string {
  const rename = (n: string) => {
    if (!names.has(n)) names.set(n, `?v${names.size}`);
    return names.get(n)!;
  };
  // Renamed top-down (an op's attributes before its args), as the variables are first met.
  const renamed = foldTree<RulePattern, RulePattern, RulePattern>(
    p,
    patternArgs,
    (q, args, entered) => (entered.kind === 'op' ? { ...entered, args } : entered),
    (q) => {
      if (q.kind === 'var') return { kind: 'var', name: rename(q.name) };
      if (q.kind === 'literal') return q;
      const attrs = Object.fromEntries(
        Object.entries(q.attrs)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, a]) => [k, a.kind === 'var' ? { kind: 'var' as const, name: rename(a.name) } : a]),
      );
      return { kind: 'op', op: q.op, args: [], attrs };
    },
  );
  return formatPattern(renamed);
}

/**
 * Rules with the same left side up to variable renaming: duplicates when the right side and guard
 * are the same too, else rules that always fire together.
 *
 * @example sameLeftSides(library.rules) // [{ kind: 'same-lhs', rules: ['ones-like-add-l', 'ones-like-add-r'], … }]
 */
export function sameLeftSides(rules: readonly CompiledRule[]): Hazard[] {
  const byLhs = new Map<string, CompiledRule[]>();
  for (const r of rules) {
    const key = canonical(r.def.lhs);
    byLhs.set(key, [...(byLhs.get(key) ?? []), r]);
  }
  const out: Hazard[] = [];
  for (const [lhs, group] of byLhs) {
    if (group.length < 2) continue;
    const whole = new Map<string, string[]>();
    for (const r of group) {
      const names = new Map<string, string>();
      canonical(r.def.lhs, names);
      const guard = r.def.guard ? formatGuard(r.def.guard).replace(/\?\w+/g, (v) => names.get(v) ?? v) : '';
      // The same rewrite in two rulesets is deliberate (each runs in its own phases): not a duplicate.
      const key = `${canonical(r.def.rhs, names)} when ${guard} in ${[...r.def.tags].sort().join(',')}`;
      whole.set(key, [...(whole.get(key) ?? []), r.name]);
    }
    for (const names of whole.values())
      if (names.length > 1)
        out.push({ kind: 'duplicate', rules: names, message: `${names.join(' and ')} are the same rule` });
    if (whole.size > 1) {
      const names = group.map((r) => r.name);
      out.push({
        kind: 'same-lhs',
        rules: names,
        message: `${names.join(', ')} share the left side ${lhs} (each match adds every right side)`,
      });
    }
  }
  return out;
}

/** A rule's left side as a graph over fresh inputs of its simplest well-typed shapes, for probes. */
export function probeExpression(rule: CompiledRule, prefix = 'p'): Node | undefined {
  const [template] = typeTemplates(rule.def.lhs);
  if (!template) return undefined;
  const inputs = new Map<string, Node>();
  const build = (root: RulePattern) =>
    foldTree<RulePattern, Node | number>(root, patternArgs, (p, args) => {
      if (p.kind === 'literal') return p.value;
      if (p.kind === 'var') {
        if (!inputs.has(p.name))
          inputs.set(
            p.name,
            T.tensor(`${prefix}${p.name.slice(1).replace(/\W/g, '_')}`, 'f64', [...template.shapes[p.name]]),
          );
        return inputs.get(p.name)!;
      }
      const attrs: Record<string, AttrValue> = {};
      for (const [k, a] of Object.entries(p.attrs))
        attrs[k] = a.kind === 'var' ? template.attrs[a.name] : (a.value as AttrValue);
      return apply(p.op, args, attrs);
    });
  try {
    const out = build(rule.def.lhs);
    return typeof out === 'number' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** Saturates `probes` with `rules`; returns the limit hit and the rules that grew the graph most. */
function probe(rules: readonly CompiledRule[], probes: readonly Node[], limits: ProbeLimits) {
  const t = createTensorEGraph();
  addGraph(t.egraph, t.lang, probes);
  const report = new Runner(t.egraph, {
    nodeLimit: limits.nodes ?? 2000,
    iterLimit: limits.iterations ?? 30,
    // The verdict must not depend on how loaded the machine is: the node and iteration limits decide,
    // and the time limit only stops a probe that is far too slow (canonicalize took 0.6-3 s here).
    timeLimitMs: limits.timeMs ?? 20_000,
  }).run(new RuleSet(rules).source(t));
  return report.stopReason;
}

/**
 * Growth probes: each rule alone on its own left side, then each ruleset's rules together on all their
 * left sides. A probe that stops at a limit names the rules that grew the graph most.
 *
 * @example growthHazards(library) // [{ kind: 'grows-alone', rules: ['distribute'], … }]
 */
export function growthHazards(library: RuleLibrary, limits: ProbeLimits = {}): Hazard[] {
  const out: Hazard[] = [];
  const probes = new Map<CompiledRule, Node>();
  for (const r of library.rules) {
    const p = probeExpression(r);
    if (p) probes.set(r, p);
  }
  for (const [r, p] of probes) {
    const stop = probe([r], [p], limits);
    if (stop.kind !== 'saturated' && stop.kind !== 'goalReached')
      out.push({
        kind: 'grows-alone',
        rules: [r.name],
        message: `${r.name} alone does not saturate its own left side (${stop.kind}, limit ${'limit' in stop ? stop.limit : stop.limitMs})`,
      });
  }
  for (const tag of library.rulesets.keys()) {
    const rules = library.rules.filter((r) => r.def.tags.includes(tag));
    const exprs = rules.map((r) => probes.get(r)).filter((p): p is Node => p !== undefined);
    if (rules.length < 2 || exprs.length === 0) continue;
    const stop = probe(rules, exprs, limits);
    if (stop.kind === 'saturated' || stop.kind === 'goalReached') continue;
    const top = stop.topRules.map((g) => g.rule);
    out.push({
      kind: 'grows-together',
      rules: top,
      message: `ruleset ${tag} does not saturate its rules' left sides (${stop.kind}); grew most: ${stop.topRules
        .map((g) => `${g.rule} (+${g.enodes})`)
        .join(', ')}`,
    });
  }
  return out;
}
