/**
 * Grammars loaded from Ohm recipes written at build time (`scripts/build-syntax.mjs`). Building an Ohm
 * grammar from its text runs Ohm's own grammar parser: about 180 ms for `expr.ohm`, paid at import by
 * every program that imports Saturn; a recipe builds the same grammar in about 1 ms. The `.ohm` text
 * stays the source of truth: a recipe records a hash of the text it was made from, and a missing or
 * stale recipe (a source checkout, an edited grammar) falls back to the text.
 */
import { createHash } from 'node:crypto';
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
 * The hash a recipe or compiled rule file records of its source text.
 *
 * @example sourceHash('Expr { … }').length // 40
 */
export function sourceHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
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
 * @example writeFileSync(path, JSON.stringify(recipeFile(text, exprGrammar)))
 */
export function recipeFile(source: string, grammar: ohm.Grammar): RecipeFile {
  // `toRecipe(expr)` writes `expr` in the supergrammar's place; 'null' leaves a slot to fill on load.
  const recipe = JSON.parse((grammar as WithRecipe).toRecipe('null')) as unknown[];
  return { sourceHash: sourceHash(source), recipe };
}
