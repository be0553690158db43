import { EGG_MATH_CASES, EGG_MATH_RULES } from './workload.js';

/** One rule of the workload. */
export interface RuleRow {
  readonly name: string;
  readonly lhs: string;
  readonly rhs: string;
  readonly guard: string;
}

/** One case of the workload as written in workload.ts. */
export interface CaseSource {
  readonly name: string;
  readonly start: string;
  readonly goal: string;
  readonly limits: string;
  readonly reference: string;
}

/** One case, with its limits column parsed. */
export interface CaseRow extends CaseSource {
  /** Limits of the goal test, when the limits column overrides the defaults. */
  readonly goalLimits: { readonly iterLimit?: number; readonly nodeLimit?: number };
}

/**
 * The egg math workload: its rules, and its cases with their goal-test limits parsed.
 *
 * @example
 * const { rules, cases } = loadEggMath();
 * rules.length; // 36
 */
export function loadEggMath(): { rules: RuleRow[]; cases: CaseRow[] } {
  const cases = EGG_MATH_CASES.map((c) => {
    const node = /node(?:_limit)? (\d+)/.exec(c.limits);
    const iter = /iter (\d+)/.exec(c.limits);
    return {
      ...c,
      goalLimits: {
        nodeLimit: node ? Number(node[1]) : undefined,
        iterLimit: iter ? Number(iter[1]) : undefined,
      },
    };
  });
  return { rules: [...EGG_MATH_RULES], cases };
}
