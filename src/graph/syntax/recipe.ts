/**
 * Grammars loaded from Ohm recipes written at build time (`scripts/build-syntax.mjs`). Building an Ohm
 * grammar from its text runs Ohm's own grammar parser: about 180 ms for `expr.ohm`, paid at import by
 * every program that imports Saturn; a recipe builds the same grammar in about 1 ms. The `.ohm` text
 * stays the source of truth: a recipe records a hash of the text it was made from, and a missing or
 * stale recipe (a source checkout, an edited grammar) falls back to the text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, type URL } from 'node:url';
import type * as ohm from 'ohm-js';
import { ohm as ohmLib } from './ohm.js';

// Ohm's recipe API (what `ohm generateBundles` emits and loads) is exported but not in its typings.
const recipes = () => ohmLib() as unknown as { makeRecipe(recipe: unknown[]): ohm.Grammar };
type WithRecipe = ohm.Grammar & { toRecipe(superGrammarExpr: string): string };

/** A recipe file: the hash of the grammar text it was made from, and Ohm's recipe. */
export interface RecipeFile {
  readonly sourceHash: string;
  readonly recipe: unknown[];
}

/**
 * The hash a recipe or compiled rule file records of its source text: it only tells an edited text from
 * the one a build step saw, so two 32-bit multiplicative hashes of the UTF-16 code units and the length
 * do (with `node:crypto`, loading it cost 10 ms of every import).
 *
 * @example sourceHash('Expr { … }').length // 16 hex digits, then the length in hex
 */
export function sourceHash(text: string): string {
  let a = 0x811c9dc5; // FNV-1a's offset basis and prime
  let b = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `${hex(a)}${hex(b)}-${text.length.toString(16)}`;
}

/**
 * A grammar from its recipe file when that was made from `source`, else from `source` itself. With a
 * `superGrammar`, the recipe's own copy of it is replaced by that grammar, so semantics of the
 * supergrammar extend to the result.
 *
 * @example const g = grammarFromRecipe(text, new URL('./expr.recipe.json', import.meta.url), () => ohm().grammar(text));
 */
export function grammarFromRecipe(
  source: string,
  recipeUrl: URL,
  fromSource: () => ohm.Grammar,
  superGrammar?: ohm.Grammar,
): ohm.Grammar {
  const path = fileURLToPath(recipeUrl);
  if (!existsSync(path)) return fromSource();
  const file = JSON.parse(readFileSync(path, 'utf8')) as RecipeFile;
  if (file.sourceHash !== sourceHash(source)) return fromSource();
  const recipe = [...file.recipe];
  // Ohm's recipe layout: ['grammar', metaInfo, name, superGrammar, defaultStartRule, rules].
  if (superGrammar) recipe[3] = superGrammar;
  return recipes().makeRecipe(recipe);
}

/**
 * The recipe file of a grammar built from `source`, for the build step.
 *
 * @example writeFileSync(path, JSON.stringify(recipeFile(text, exprGrammar())))
 */
export function recipeFile(source: string, grammar: ohm.Grammar): RecipeFile {
  // `toRecipe(expr)` writes `expr` in the supergrammar's place; 'null' leaves a slot to fill on load.
  const recipe = JSON.parse((grammar as WithRecipe).toRecipe('null')) as unknown[];
  return { sourceHash: sourceHash(source), recipe };
}
