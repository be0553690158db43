// Build step (after tsc): Ohm recipes of the grammars, the parsed items of the shipped rule files and
// the library they make (src/rules/prebuilt.ts), written next to the compiled modules that load them,
// so a program importing Saturn neither parses grammar text (~360 ms) nor runs the rule grammar over
// rules/*.rules (~0.5 s). Each output records its source text (or a hash of it) and is used only while
// it matches, so the text files stay the source of truth.
// Usage: node scripts/build-syntax.mjs [OUT_DIR ...] (default dist; scripts/build.mjs passes its own).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const outDir of process.argv.slice(2).length ? process.argv.slice(2) : ['dist']) {
  const mod = (path) => import(pathToFileURL(resolve(outDir, path)).href);
  const { recipeFile } = await mod('graph/syntax/recipe.js');
  const { exprGrammar, exprGrammarSource } = await mod('graph/syntax/semantics.js');
  const { rulesGrammar, rulesGrammarSource } = await mod('rules/syntax.js');
  const {
    compiledRuleFiles,
    parseCompiledRuleFiles,
    loadLibrary,
    readRuleDir,
    SHIPPED_RULES_DIR,
    COMPILED_RULES_FILE,
  } = await mod('rules/load.js');
  const { prebuiltLibraryFile, PREBUILT_LIBRARY_FILE } = await mod('rules/prebuilt.js');
  writeFileSync(
    join(outDir, 'graph/syntax/expr.recipe.json'),
    JSON.stringify(recipeFile(exprGrammarSource, exprGrammar())),
  );
  writeFileSync(
    join(outDir, 'rules/rules.recipe.json'),
    JSON.stringify(recipeFile(rulesGrammarSource, rulesGrammar())),
  );
  const sources = readRuleDir(SHIPPED_RULES_DIR);
  const compiled = compiledRuleFiles(sources);
  writeFileSync(join(outDir, 'rules', COMPILED_RULES_FILE), compiled);
  // The library of all the files, from their parsed form just made (not the grammar again).
  const { library } = loadLibrary(sources, undefined, parseCompiledRuleFiles(compiled));
  writeFileSync(join(outDir, 'rules', PREBUILT_LIBRARY_FILE), prebuiltLibraryFile(sources, library));
}
