import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';
import type { OpIndex } from './op-index.js';
import { groundTerm, type Pattern } from './pattern.js';
import type { Term } from './term.js';

// Instruction kinds of the matching machine (egg's machine.rs design).
const BIND = 0; // for each node of class regs[reg] with symbol number `sym`: children → regs[out..out+arity)
const COMPARE = 1; // regs[reg] must equal regs[out] (a repeated variable)
const LOOKUP = 2; // regs[reg] must equal the class of ground term number `out`
const YIELD = 3; // emit a match
const CHECK = 4; // regs[reg] must pass class test number `out` (a guard run during the search)

/** One machine instruction, turned into search code by `generate`. */
interface Instr {
  readonly op: number;
  readonly reg: number;
  readonly sym: number;
  readonly arity: number;
  readonly out: number;
}

/**
 * Matches found by a search: flat typed arrays, `width` class ids per match (one per pattern variable, in the
 * program's `vars` order), grown by doubling, so a search allocates no object per match.
 *
 * @example
 * ```ts
 * const m = program.search(eg);
 * for (let i = 0; i < m.count; i++) console.log(m.eclass(i), m.value(i, 0));
 * ```
 */
export class Matches {
  /** Root class of each match; only the first `count` entries are meaningful. */
  classes: Int32Array;
  /** `width` bound classes per match, back to back. */
  values: Int32Array;
  /** Number of matches. */
  count = 0;
  /** `capacity` is a hint: the arrays grow as needed. `classes` and `values`, when given, are used as they are. */
  constructor(
    readonly width: number,
    capacity = 16,
    classes?: Int32Array,
    values?: Int32Array,
  ) {
    this.classes = classes ?? new Int32Array(capacity);
    this.values = values ?? new Int32Array(capacity * Math.max(width, 1));
  }

  /** Root class of match `i`. @example `m.eclass(0)` */
  eclass(i: number): ClassId {
    return this.classes[i] as ClassId;
  }

  /** Class bound to variable number `v` in match `i`. @example `m.value(0, 0)` */
  value(i: number, v: number): ClassId {
    return this.values[i * this.width + v] as ClassId;
  }

  /** A copy holding just the matches found. @internal */
  copy(): Matches {
    // Two typed arrays, not four: the constructor's own empty arrays, replaced at once, were a fifth of
    // the time of searches that matched (a loop searching a saturated e-graph's rules, CPU profile).
    const out = new Matches(
      this.width,
      0,
      this.classes.slice(0, this.count),
      this.values.slice(0, this.count * Math.max(this.width, 1)),
    );
    out.count = this.count;
    return out;
  }

  /** Doubles the capacity (called by generated search code when full). @internal */
  grow(): void {
    const classes = new Int32Array(this.classes.length * 2);
    classes.set(this.classes);
    this.classes = classes;
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
  }
}

/** When a search must stop: at most `limit` matches (more means "over"), and a `performance.now()` deadline. */
export interface SearchBudget {
  readonly limit: number;
  readonly deadline: number;
}

const UNLIMITED: SearchBudget = { limit: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY };

/** Generated search code; returns 0 when done, 1 when it stopped past the match limit, 2 at the deadline. */
type SearchCode = (
  eg: EGraph,
  tests: readonly ClassTest[],
  want: Int32Array,
  sym: Int32Array,
  start: Int32Array,
  kids: Int32Array,
  classNodes: Int32Array,
  nodesStart: Int32Array,
  nodesLen: Int32Array,
  roots: ArrayLike<number>,
  nRoots: number,
  ground: Int32Array,
  out: Matches,
  limit: number,
  deadline: number,
) => number;

const STOPPED_AT_LIMIT = 1;
const TIMED_OUT = 2;
const SEARCH_PARAMS = [
  'eg',
  'tests',
  'want',
  'sym',
  'start',
  'kids',
  'classNodes',
  'nodesStart',
  'nodesLen',
  'roots',
  'nRoots',
  'ground',
  'out',
  'limit',
  'deadline',
];

/** A test on the class bound to variable `name`, run by the search as soon as it is bound. */
export interface EarlyTest {
  readonly name: string;
  readonly test: ClassTest;
}

type ClassTest = (eg: EGraph, cls: ClassId) => boolean;

/** Generated code of one program shape. */
interface CompiledSearch {
  readonly source: string;
  readonly code: SearchCode;
}

/**
 * Search code by program shape (its instructions and variable registers, the only inputs of `generate`):
 * programs of the same shape share one function, so the JIT optimizes it once, and the source is generated
 * once. Symbols are an argument (`want`), not constants in the code, so `(exp ?a)` and `(neg ?a)`, or one
 * rule in two e-graphs whose languages numbered its ops differently, share code too.
 */
const codeCache = new Map<string, CompiledSearch>();

/**
 * Search code written as functions of the package's bundle by the build (`scripts/search-code.mjs`), by
 * its source: `new Function` compiled each shape the shipped rules use again in every process (about a
 * tenth of a cold first optimize), where a function of the bundle comes from its code cache. A shape
 * is given one only when its generated source is the very text the function was written from.
 */
const prebuilt = new Map<string, SearchCode>();

/**
 * Hands the search code of `prebuiltSearchModule` to the programs compiled from now on.
 *
 * @example usePrebuiltSearch(new Map()) // none: every shape's code is compiled with new Function
 */
export function usePrebuiltSearch(code: Iterable<readonly [string, SearchCode]>): void {
  for (const [source, fn] of code) prebuilt.set(source, fn);
}

/**
 * The text of an ES module that writes the search code generated so far in this process as functions
 * and hands them to `usePrebuiltSearch`, imported from `machineSpecifier`.
 *
 * @example prebuiltSearchModule('./egraph/machine.js').startsWith('import') // true
 */
export function prebuiltSearchModule(machineSpecifier: string): string {
  const entries = [...codeCache.values()].map(
    ({ source }) =>
      `  [${JSON.stringify(source)}, function (${SEARCH_PARAMS.join(', ')}) {\n${source}\n}],\n`,
  );
  return `import { usePrebuiltSearch } from ${JSON.stringify(machineSpecifier)};\n\nusePrebuiltSearch([\n${entries.join('')}]);\n`;
}

/**
 * A pattern compiled once into a matching program: Bind / Compare / Lookup / Yield instructions (egg's
 * machine). Variables get registers in first-occurrence order (that is the `vars` order of its matches); a
 * repeated variable compiles to Compare, a ground subpattern to one Lookup of its class, done once per search.
 *
 * The instructions are then turned into straight-line JavaScript (`source`): each Bind a loop over the nodes
 * of one op in a class (class nodes are sorted by symbol, so a binary search finds the first), each register a
 * local constant, each Compare or Lookup a `continue` to the enclosing loop, Yield a write into the flat match
 * arrays. The source holds only integers taken from the instructions, never text from the pattern, and the
 * code does not allocate; an interpreter over the same instructions spent most of its time in dispatch and
 * recursion.
 *
 * @example
 * ```ts
 * const prog = Program.compile(parsePattern(lang, '(- ?x ?x)'));
 * const matches = prog.search(eg);
 * prog.source; // the generated search code, for debugging
 * ```
 */
export class Program {
  /** Set when a search ran past its deadline; the matches are then partial. */
  timedOut = false;
  /** Whether the last search had candidate root classes to visit (for search profiles). */
  visited = false;
  private readonly groundIds: Int32Array;
  private readonly want: Int32Array;
  private readonly compiled: CompiledSearch;
  private readonly code: SearchCode;
  private readonly one = new Int32Array(1);
  /**
   * How many levels below its root the pattern reaches (0 for a bare variable): an incremental search
   * looks this far above changed classes. Kept here, not in a map by rule (that lookup, per rule and
   * iteration, was 2.7% of a warm optimize of mlp).
   */
  readonly depth: number;
  /** Matches found by the last search, to size the next one's arrays (counts change slowly by iteration). */

  private constructor(
    readonly pattern: Pattern,
    instrs: readonly Instr[],
    readonly vars: readonly string[],
    varRegs: Int32Array,
    private readonly grounds: readonly Term[],
    symbols: readonly SymbolId[],
    private readonly tests: readonly ClassTest[],
  ) {
    this.depth = patternDepth(pattern);
    this.groundIds = new Int32Array(grounds.length);
    this.want = Int32Array.from(symbols);
    const key = shapeKey(instrs, varRegs);
    let compiled = codeCache.get(key);
    if (compiled === undefined) {
      const source = generate(instrs, varRegs);
      compiled = {
        source,
        code: prebuilt.get(source) ?? (new Function(...SEARCH_PARAMS, source) as SearchCode),
      };
      codeCache.set(key, compiled);
    }
    this.compiled = compiled;
    this.code = compiled.code;
  }

  /** The generated search code, for debugging. */
  get source(): string {
    return this.compiled.source;
  }

  /** Compiles a pattern. @example `Program.compile(parsePattern(lang, '(+ ?a 0)'))` */
  static compile(pattern: Pattern, early: readonly EarlyTest[] = []): Program {
    const instrs: Instr[] = [];
    const vars: string[] = [];
    const varRegs: number[] = [];
    const grounds: Term[] = [];
    const symbols: SymbolId[] = [];
    const tests: ClassTest[] = [];
    let nregs = 1;
    const emit = (p: Pattern, reg: number, isRoot: boolean): void => {
      if (p.kind === 'var') {
        const at = vars.indexOf(p.name);
        if (at >= 0) instrs.push({ op: COMPARE, reg, sym: 0, arity: 0, out: varRegs[at] });
        else {
          vars.push(p.name);
          varRegs.push(reg);
          for (const e of early)
            if (e.name === p.name) {
              instrs.push({ op: CHECK, reg, sym: 0, arity: 0, out: tests.length });
              tests.push(e.test);
            }
        }
        return;
      }
      const ground = isRoot ? undefined : groundTerm(p);
      if (ground !== undefined) {
        instrs.push({ op: LOOKUP, reg, sym: 0, arity: 0, out: grounds.length });
        grounds.push(ground);
        return;
      }
      // Seam for attribute variables: a BIND variant testing a symbol predicate instead of equality.
      const out = nregs;
      nregs += p.children.length;
      instrs.push({ op: BIND, reg, sym: symbols.length, arity: p.children.length, out });
      symbols.push(p.symbol);
      p.children.forEach((c, i) => {
        emit(c, out + i, false);
      });
    };
    emit(pattern, 0, true);
    instrs.push({ op: YIELD, reg: 0, sym: 0, arity: 0, out: 0 });
    return new Program(pattern, instrs, vars, Int32Array.from(varRegs), grounds, symbols, tests);
  }

  /** Root symbol, or undefined when the pattern is a bare variable (it matches every class). */
  get rootSymbol(): SymbolId | undefined {
    return this.pattern.kind === 'node' ? this.pattern.symbol : undefined;
  }

  /**
   * All matches in a clean e-graph, visiting only classes holding the root symbol (all classes for a bare
   * variable). Stops after `budget.limit + 1` matches or at the deadline (then `timedOut` is set).
   *
   * @example `prog.search(eg, OpIndex.of(eg), { limit: 1000, deadline: performance.now() + 50 })`
   */
  search(eg: EGraph, index?: OpIndex, budget: SearchBudget = UNLIMITED): Matches {
    this.timedOut = false;
    this.visited = false;
    const root = this.rootSymbol;
    let classes: ArrayLike<number>;
    let n: number;
    if (index !== undefined) {
      classes = root === undefined ? index.all : index.classesWith(root);
      n = classes.length;
    } else {
      classes = eg.classIds();
      n = classes.length;
    }
    // Most rules' root op is absent from most graphs (and from an incremental search's neighbourhood):
    // nothing to allocate, and no ground terms to look up (a hash lookup per node of each term).
    if (n === 0 || !this.resolveGrounds(eg)) return this.noMatches();
    this.visited = true;
    // Searched into scratch arrays kept by the program, copied out only when something matched: most
    // searches of a rule whose root op is present find nothing, and allocating for them cost more than
    // the search.
    const scratch = (this.scratch ??= new Matches(this.vars.length));
    scratch.count = 0;
    this.runCode(eg, classes, n, scratch, budget);
    return scratch.count === 0 ? this.noMatches() : scratch.copy();
  }

  private scratch: Matches | undefined;

  private empty: Matches | undefined;

  /** An empty result, shared: nothing writes to a Matches after its search. */
  private noMatches(): Matches {
    this.empty ??= new Matches(this.vars.length, 1);
    return this.empty;
  }

  /** Matches rooted at one class. @example `prog.searchClass(eg, id)` */
  searchClass(eg: EGraph, eclass: ClassId): Matches {
    const out = new Matches(this.vars.length);
    this.timedOut = false;
    if (!this.resolveGrounds(eg)) return out;
    this.one[0] = eg.find(eclass);
    this.runCode(eg, this.one, 1, out, UNLIMITED);
    return out;
  }

  /** Looks up the ground subterms; false when one is absent from the graph (then nothing can match). */
  private resolveGrounds(eg: EGraph): boolean {
    for (let g = 0; g < this.grounds.length; g++) {
      const id = eg.lookupTerm(this.grounds[g]);
      if (id === undefined) return false;
      this.groundIds[g] = id;
    }
    return true;
  }

  private runCode(eg: EGraph, roots: ArrayLike<number>, n: number, out: Matches, budget: SearchBudget): void {
    const store = eg.nodes;
    const lists = eg.classNodes;
    const status = this.code(
      eg,
      this.tests,
      this.want,
      store.sym,
      store.start,
      store.kids,
      lists.data,
      lists.start,
      lists.len,
      roots,
      n,
      this.groundIds,
      out,
      budget.limit,
      budget.deadline,
    );
    if (status === TIMED_OUT) this.timedOut = true;
  }
}

/** Everything `generate` reads, as a short string. */
function shapeKey(instrs: readonly Instr[], varRegs: Int32Array): string {
  let key = varRegs.join(',');
  for (const i of instrs) key += `;${i.op},${i.reg},${i.sym},${i.arity},${i.out}`;
  return key;
}

/** Straight-line search code for a program (see `Program`); registers are locals `r0`, `r1`, ... */
function generate(instrs: readonly Instr[], varRegs: Int32Array): string {
  const w = varRegs.length;
  const lines = ['let steps = 0;'];
  // The symbols each Bind looks for, read once per search.
  for (const ins of instrs) if (ins.op === BIND) lines.push(`const w${ins.sym} = want[${ins.sym}];`);
  lines.push('for (let i = 0; i < nRoots; i++) {', 'const r0 = roots[i];');
  let depth = 0;
  for (const ins of instrs) {
    switch (ins.op) {
      case BIND: {
        const d = depth++;
        const [end, lo, hi, j, e, s] = ['end', 'lo', 'hi', 'j', 'e', 's'].map((v) => `${v}${d}`);
        const w = `w${ins.sym}`;
        // The class's nodes are classNodes[nodesStart[r] .. + nodesLen[r]) (see ClassLists). The midpoint
        // is `>> 1`, not `>>> 1`: with bounds read from an Int32Array, an unsigned midpoint made the
        // loop counters doubles, and searches of a saturated 1k-op graph took 1.7 times as long.
        lines.push(
          `if ((++steps & 1023) === 0 && performance.now() > deadline) return ${TIMED_OUT};`,
          `let ${lo} = nodesStart[r${ins.reg}];`,
          `const ${end} = ${lo} + nodesLen[r${ins.reg}];`,
          `let ${hi} = ${end};`,
          `while (${lo} < ${hi}) { const mid = (${lo} + ${hi}) >> 1; if (sym[classNodes[mid]] < ${w}) ${lo} = mid + 1; else ${hi} = mid; }`,
          `for (let ${j} = ${lo}; ${j} < ${end}; ${j}++) {`,
          `const ${e} = classNodes[${j}];`,
          `if (sym[${e}] !== ${w}) break;`,
          `const ${s} = start[${e}];`,
        );
        for (let k = 0; k < ins.arity; k++) lines.push(`const r${ins.out + k} = kids[${s} + ${k}];`);
        break;
      }
      case COMPARE:
        lines.push(`if (r${ins.reg} !== r${ins.out}) continue;`);
        break;
      case LOOKUP:
        lines.push(`if (r${ins.reg} !== ground[${ins.out}]) continue;`);
        break;
      case CHECK:
        lines.push(`if (!tests[${ins.out}](eg, r${ins.reg})) continue;`);
        break;
      default: {
        const regs = Array.from(varRegs, (r) => `r${r}`);
        lines.push('const n = out.count;');
        // No duplicate check: in a clean e-graph a node is determined by its symbol and children, and a
        // class by any node of it, so the variables' classes determine every node on the path; two paths
        // cannot yield the same substitution.
        lines.push('if (n === out.classes.length) out.grow();', 'out.classes[n] = r0;');
        regs.forEach((r, v) => lines.push(`out.values[n * ${w} + ${v}] = ${r};`));
        lines.push('out.count = n + 1;', `if (n + 1 > limit) return ${STOPPED_AT_LIMIT};`);
      }
    }
  }
  for (let d = 0; d <= depth; d++) lines.push('}');
  lines.push('return 0;');
  return lines.join('\n');
}

function patternDepth(p: Pattern): number {
  if (p.kind === 'var') return 0;
  let d = 0;
  for (const c of p.children) d = Math.max(d, patternDepth(c));
  return d + 1;
}
