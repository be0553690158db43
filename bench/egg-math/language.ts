import { ConstantFolding } from '../../src/egraph/constant-folding.js';
import type { EGraph } from '../../src/egraph/egraph.js';
import type { ClassId, SymbolId } from '../../src/egraph/ids.js';
import { Language } from '../../src/egraph/language.js';
import { type CostFunction, treeCost } from '../../src/extract/cost.js';

const BINARY = ['+', '-', '*', '/', 'pow', 'd', 'i'];
const UNARY = ['ln', 'sqrt', 'sin', 'cos'];
const NUMERAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * egg's math language: binary `+ - * / pow d i`, unary `ln sqrt sin cos`, float constants (op `num`, payload
 * the number) and symbols (op `var`, payload the name), interned on first use.
 *
 * @example `parseTerm(eggMathLanguage(), '(d x (pow x 3))')`
 */
export function eggMathLanguage(): Language {
  const lang = new Language('egg-math', (head, arity) => {
    if (arity !== 0) return undefined;
    if (NUMERAL.test(head)) return numberDef(Number(head));
    return { op: 'var', arity: 0, payload: head, name: head };
  });
  for (const op of BINARY) lang.intern({ op, arity: 2 });
  for (const op of UNARY) lang.intern({ op, arity: 1 });
  return lang;
}

function numberDef(v: number) {
  const name = String(v);
  return { op: 'num', arity: 0, payload: v, name, key: name };
}

/** Symbol of a numeric literal. @example `numberSymbol(lang, 2)` */
export function numberSymbol(lang: Language, v: number): SymbolId {
  return lang.get(String(v)) ?? lang.intern(numberDef(v));
}

/** egg's math constant folding over `+ - * /`, never dividing by zero. @example `new EGraph(lang, { analyses: [eggConstants()] })` */
export function eggConstants(): ConstantFolding<number> {
  return new ConstantFolding<number>({
    // -0 is folded to 0: the literal `0` stands for both, and analysis data must agree with it.
    evaluate: (lang, s, kids) => {
      const v = evaluateMath(lang, s, kids);
      return v === 0 ? 0 : v;
    },
    literal: numberSymbol,
    equal: (a, b) => a === b,
  });
}

function evaluateMath(lang: Language, s: SymbolId, kids: readonly number[]): number | undefined {
  switch (lang.op(s)) {
    case 'num':
      return lang.payload(s) as number;
    case '+':
      return kids[0] + kids[1];
    case '-':
      return kids[0] - kids[1];
    case '*':
      return kids[0] * kids[1];
    case '/':
      return kids[1] === 0 ? undefined : kids[0] / kids[1];
    default:
      return undefined;
  }
}

/** egg's math extraction cost: every node 1, `d` and `i` 100. @example `new GreedyExtractor(eg, eggCost(lang))` */
export function eggCost(lang: Language): CostFunction {
  const d = lang.get('d');
  const i = lang.get('i');
  return treeCost((s) => (s === d || s === i ? 100 : 1));
}

/** Whether a class contains a symbol (a `var` node). @example `hasSymbol(eg, id)` */
export function hasSymbol(eg: EGraph, id: ClassId): boolean {
  const sym = eg.nodes.sym;
  const cls = eg.find(id);
  for (let i = 0; i < eg.classNodes.count(cls); i++) {
    if (eg.lang.op(sym[eg.classNodes.at(cls, i)] as SymbolId) === 'var') return true;
  }
  return false;
}
