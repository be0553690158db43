import type { EGraph } from './egraph.js';
import type { ClassId, SymbolId } from './ids.js';
import type { OpIndex } from './op-index.js';
import { groundTerm, type Pattern } from './pattern.js';
import type { Term } from './term.js';

// Instruction kinds of the matching machine (egg's machine.rs design).
const BIND = 0; // for each node of class regs[reg] with symbol `sym`: children → regs[out..out+arity)
const COMPARE = 1; // regs[reg] must equal regs[out] (a repeated variable)
const LOOKUP = 2; // regs[reg] must equal the class of ground term number `out`
const YIELD = 3; // emit a match

/** One machine instruction; a single object shape keeps the interpreter's property reads monomorphic. */
interface Instr {
  readonly op: number;
  readonly reg: number;
  readonly sym: number;
  readonly arity: number;
  readonly out: number;
}

/**
 * Matches found by a search: flat arrays, `width` class ids per match (one per pattern variable, in the
 * program's `vars` order), so a search allocates no object per match.
 *
 * @example
 * ```ts
 * const m = program.search(eg);
 * for (let i = 0; i < m.count; i++) console.log(m.eclass(i), m.value(i, 0));
 * ```
 */
export class Matches {
  readonly classes: number[] = [];
  readonly values: number[] = [];
  constructor(readonly width: number) {}

  /** Number of matches. */
  get count(): number {
    return this.classes.length;
  }

  /** Root class of match `i`. @example `m.eclass(0)` */
  eclass(i: number): ClassId {
    return this.classes[i] as ClassId;
  }

  /** Class bound to variable number `v` in match `i`. @example `m.value(0, 0)` */
  value(i: number, v: number): ClassId {
    return this.values[i * this.width + v] as ClassId;
  }
}

/** When a search must stop: at most `limit` matches (more means "over"), and a `performance.now()` deadline. */
export interface SearchBudget {
  readonly limit: number;
  readonly deadline: number;
}

const UNLIMITED: SearchBudget = { limit: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY };

/**
 * A pattern compiled once into a matching program: Bind / Compare / Lookup / Yield instructions run by a small
 * backtracking interpreter over the e-graph's flat node arrays. Variables get registers in first-occurrence
 * order (that is the `vars` order of its matches); a repeated variable compiles to Compare, a ground
 * subpattern to one Lookup of its class, done once per search.
 *
 * @example
 * ```ts
 * const prog = Program.compile(parsePattern(lang, '(- ?x ?x)'));
 * const matches = prog.search(eg);
 * ```
 */
export class Program {
  /** Set when a search ran past its deadline; the matches are then partial. */
  timedOut = false;
  private readonly regs: Int32Array;
  private readonly groundIds: Int32Array;
  private readonly dedup: boolean;
  private eg!: EGraph;
  private out!: Matches;
  private budget: SearchBudget = UNLIMITED;
  private steps = 0;

  private constructor(
    readonly pattern: Pattern,
    private readonly instrs: readonly Instr[],
    nregs: number,
    readonly vars: readonly string[],
    private readonly varRegs: Int32Array,
    private readonly grounds: readonly Term[],
  ) {
    this.regs = new Int32Array(nregs);
    this.groundIds = new Int32Array(grounds.length);
    // Two paths through different nodes can yield the same substitution only when binds nest.
    this.dedup = instrs.filter((i) => i.op === BIND).length > 1;
  }

  /** Compiles a pattern. @example `Program.compile(parsePattern(lang, '(+ ?a 0)'))` */
  static compile(pattern: Pattern): Program {
    const instrs: Instr[] = [];
    const vars: string[] = [];
    const varRegs: number[] = [];
    const grounds: Term[] = [];
    let nregs = 1;
    const emit = (p: Pattern, reg: number, isRoot: boolean): void => {
      if (p.kind === 'var') {
        const at = vars.indexOf(p.name);
        if (at >= 0) instrs.push({ op: COMPARE, reg, sym: 0, arity: 0, out: varRegs[at] });
        else {
          vars.push(p.name);
          varRegs.push(reg);
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
      instrs.push({ op: BIND, reg, sym: p.symbol, arity: p.children.length, out });
      p.children.forEach((c, i) => {
        emit(c, out + i, false);
      });
    };
    emit(pattern, 0, true);
    instrs.push({ op: YIELD, reg: 0, sym: 0, arity: 0, out: 0 });
    return new Program(pattern, instrs, nregs, vars, Int32Array.from(varRegs), grounds);
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
    const out = new Matches(this.vars.length);
    this.timedOut = false;
    for (let g = 0; g < this.grounds.length; g++) {
      const id = eg.lookupTerm(this.grounds[g]);
      if (id === undefined) return out; // a ground part absent from the graph: nothing can match
      this.groundIds[g] = id;
    }
    const root = this.rootSymbol;
    let classes: readonly number[];
    if (index !== undefined) classes = root === undefined ? index.all : index.classesWith(root);
    else classes = eg.classIds();
    this.eg = eg;
    this.out = out;
    this.budget = budget;
    this.steps = 0;
    for (let i = 0; i < classes.length; i++) {
      this.regs[0] = classes[i];
      this.run(0);
      if (out.classes.length > budget.limit || this.timedOut) break;
    }
    return out;
  }

  /** Matches rooted at one class. @example `prog.searchClass(eg, id)` */
  searchClass(eg: EGraph, eclass: ClassId): Matches {
    const out = new Matches(this.vars.length);
    for (let g = 0; g < this.grounds.length; g++) {
      const id = eg.lookupTerm(this.grounds[g]);
      if (id === undefined) return out;
      this.groundIds[g] = id;
    }
    this.eg = eg;
    this.out = out;
    this.budget = UNLIMITED;
    this.regs[0] = eg.find(eclass);
    this.run(0);
    return out;
  }

  private run(pc: number): void {
    const regs = this.regs;
    for (;;) {
      const ins = this.instrs[pc];
      switch (ins.op) {
        case BIND: {
          const store = this.eg.nodes;
          const nodes = this.eg.classNodes[regs[ins.reg]];
          const sym = ins.sym;
          const out = ins.out;
          const arity = ins.arity;
          if ((++this.steps & 1023) === 0 && performance.now() > this.budget.deadline) this.timedOut = true;
          // Class nodes are sorted by symbol: binary-search the first node of this op, stop after its last.
          const symOf = store.sym;
          let lo = 0;
          let hi = nodes.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (symOf[nodes[mid]] < sym) lo = mid + 1;
            else hi = mid;
          }
          for (let j = lo; j < nodes.length; j++) {
            const e = nodes[j];
            if (symOf[e] !== sym) break;
            const s = store.start[e];
            for (let k = 0; k < arity; k++) regs[out + k] = store.kids[s + k];
            this.run(pc + 1);
            if (this.timedOut || this.out.classes.length > this.budget.limit) return;
          }
          return;
        }
        case COMPARE:
          if (regs[ins.reg] !== regs[ins.out]) return;
          pc++;
          break;
        case LOOKUP:
          if (regs[ins.reg] !== this.groundIds[ins.out]) return;
          pc++;
          break;
        default:
          this.yieldMatch();
          return;
      }
    }
  }

  private yieldMatch(): void {
    const out = this.out;
    const regs = this.regs;
    const varRegs = this.varRegs;
    const w = varRegs.length;
    const cls = regs[0];
    if (this.dedup) {
      for (let m = out.classes.length - 1; m >= 0 && out.classes[m] === cls; m--) {
        let v = 0;
        while (v < w && out.values[m * w + v] === regs[varRegs[v]]) v++;
        if (v === w) return;
      }
    }
    out.classes.push(cls);
    for (let v = 0; v < w; v++) out.values.push(regs[varRegs[v]]);
  }
}
