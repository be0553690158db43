/**
 * What a left side's expansion depends on, as a number per op: the symbols interned for that op, in
 * order, with their ids and keys. Two languages that give every op of a rule the same number expand it
 * to the same rewrites in the same order, so a rule can keep its expansions across e-graphs (a warm
 * optimize builds three e-graphs, each numbering its symbols as the same phase did last time).
 */
import type { TensorLanguage } from '../egraph/tensor/language.js';

/**
 * Numbers of symbol-list prefixes, by the previous prefix's number, the symbol's id and its key. Numbers
 * are never reused, even after the map is cleared, so a number always means one list.
 */
const prefixes = new Map<string, number>();
let lastNumber = 0;

/** Prefixes remembered at most: graphs with many attribute values would otherwise grow it forever. */
const PREFIX_LIMIT = 1 << 16;

/** Each op's prefix numbers in one language: entry k numbers the op's first k + 1 symbols. */
const numbered = new WeakMap<TensorLanguage, Map<string, number[]>>();

/**
 * The number of the symbols now interned for `op` in `lang` (0 when it has none). Equal numbers mean
 * equal lists of (id, key), in any language of the process.
 *
 * @example symbolListNumber(lang, 'exp') === symbolListNumber(sameSymbolsLang, 'exp') // true
 */
export function symbolListNumber(lang: TensorLanguage, op: string): number {
  let byOp = numbered.get(lang);
  if (!byOp) {
    byOp = new Map();
    numbered.set(lang, byOp);
  }
  let numbers = byOp.get(op);
  if (!numbers) {
    numbers = [];
    byOp.set(op, numbers);
  }
  const symbols = lang.symbolsOf(op);
  // Symbol lists only grow, so each prefix is numbered once per language, from the one before it.
  for (let k = numbers.length; k < symbols.length; k++) {
    const key = `${k === 0 ? 0 : numbers[k - 1]}|${symbols[k]}|${lang.key(symbols[k])}`;
    let n = prefixes.get(key);
    if (n === undefined) {
      if (prefixes.size >= PREFIX_LIMIT) prefixes.clear();
      n = ++lastNumber;
      prefixes.set(key, n);
    }
    numbers.push(n);
  }
  return symbols.length === 0 ? 0 : numbers[symbols.length - 1];
}
