import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One row of rules.tsv. */
export interface RuleRow {
  readonly name: string;
  readonly lhs: string;
  readonly rhs: string;
  readonly guard: string;
}

/** One row of cases.tsv, with its limits column parsed. */
export interface CaseRow {
  readonly name: string;
  readonly start: string;
  readonly goal: string;
  readonly limits: string;
  readonly reference: string;
  /** Limits of the goal test, when the limits column overrides the defaults. */
  readonly goalLimits: { readonly iterLimit?: number; readonly nodeLimit?: number };
}

/**
 * Finds `shared/bench/egg-math/` beside the repository: `$EGG_MATH_DIR`, then `../shared/bench/egg-math` from
 * the working directory, then from each folder above this module. Throws a clear error when absent.
 */
export function eggMathDir(): string {
  const candidates: string[] = [];
  if (process.env.EGG_MATH_DIR) candidates.push(process.env.EGG_MATH_DIR);
  candidates.push(resolve(process.cwd(), '../shared/bench/egg-math'));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, '../shared/bench/egg-math'));
    dir = dirname(dir);
  }
  const found = candidates.find((c) => existsSync(join(c, 'rules.tsv')) && existsSync(join(c, 'cases.tsv')));
  if (found === undefined) {
    throw new Error(
      `egg-math workload not found: looked for rules.tsv and cases.tsv in ${candidates.join(', ')} (set EGG_MATH_DIR)`,
    );
  }
  return found;
}

function readTsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const cols = header.split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** Reads rules.tsv and cases.tsv. @example `const { rules, cases } = loadEggMath()` */
export function loadEggMath(): { rules: RuleRow[]; cases: CaseRow[] } {
  const dir = eggMathDir();
  const rules = readTsv(join(dir, 'rules.tsv')).map((r) => ({
    name: r.name,
    lhs: r.lhs,
    rhs: r.rhs,
    guard: r.guard,
  }));
  const cases = readTsv(join(dir, 'cases.tsv')).map((r) => {
    const node = /node(?:_limit)? (\d+)/.exec(r.limits);
    const iter = /iter (\d+)/.exec(r.limits);
    return {
      name: r.name,
      start: r.start,
      goal: r.goal,
      limits: r.limits,
      reference: r.reference_at_10k_nodes,
      goalLimits: {
        nodeLimit: node ? Number(node[1]) : undefined,
        iterLimit: iter ? Number(iter[1]) : undefined,
      },
    };
  });
  return { rules, cases };
}
