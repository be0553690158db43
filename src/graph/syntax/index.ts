/**
 * The expression notation: `parseExpr` / `formatExpr` and friends, the syntax tree, and the grammar
 * and semantics that the rule language extends.
 */
import { setNodePrinter } from '../node.js';
import { formatExpr } from './format.js';

export type * from './ast.js';
export { sourceError, sourceSpan, syntaxError } from './errors.js';
export { formatDecls, formatExpr, formatNumber } from './format.js';
export { attrValue, callsKnownOps, type LowerScope, lowerDecl, lowerExpr, lowerType } from './lower.js';
export {
  MAX_SOURCE_LENGTH,
  type ParseOptions,
  parseDecls,
  parseExpr,
  parseExprs,
  parseSource,
} from './parse.js';
export {
  exprGrammar,
  exprGrammarSource,
  exprSemantics,
  INFIX_OPS,
  type InfixOperand,
  PREFIX_OPS,
  resolveInfix,
  SEXPR_ALIASES,
  VARIADIC_SEXPR_OPS,
} from './semantics.js';

// Nodes print as infix expressions once the printer is loaded (node.ts cannot import it: a cycle).
setNodePrinter(formatExpr);
