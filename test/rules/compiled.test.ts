/**
 * The build step's outputs (scripts/build-syntax.mjs): parsed rule files and grammar recipes load to
 * exactly what the text gives, are used only while they match the text, and the built ones are current.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { grammarFromRecipe, recipeFile } from '../../src/graph/syntax/recipe.js';
import { ohm } from '../../src/graph/syntax/ohm.js';
import { exprGrammar, exprGrammarSource } from '../../src/graph/syntax/semantics.js';
import { formatExpr } from '../../src/graph/syntax/index.js';
import { logisticRegression } from '../../src/models.js';
import { optimize } from '../../src/optimize.js';
import type { RuleLibrary } from '../../src/rules/library.js';
import {
  COMPILED_RULES_FILE,
  compiledRuleFiles,
  loadLibrary,
  readCompiledRuleFiles,
  readRuleDir,
  SHIPPED_RULES_DIR,
} from '../../src/rules/load.js';
import { rulesGrammar, rulesGrammarSource } from '../../src/rules/syntax.js';

const sources = readRuleDir(SHIPPED_RULES_DIR);
const decode = (json: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'saturn-compiled-'));
  writeFileSync(join(dir, COMPILED_RULES_FILE), json);
  return dir;
};

/** A pattern or guard as data, without the spans of its parts (the build step's files leave them out). */
const bare = (x: unknown) =>
  x === undefined
    ? x
    : (JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'span' ? undefined : v))) as unknown);

/** Everything a library holds, as comparable data. */
function summary(library: RuleLibrary) {
  return {
    rules: library.rules.map((r) => ({
      ...r.def,
      lhs: bare(r.def.lhs),
      rhs: bare(r.def.rhs),
      guard: bare(r.def.guard),
    })),
    rulesets: [...library.rulesets],
    modes: [...library.modes],
    checks: library.checks,
  };
}

describe('pre-parsed rule files', () => {
  it('load to the same library as the text', () => {
    const dir = decode(compiledRuleFiles(sources));
    const compiled = readCompiledRuleFiles(pathToFileURL(join(dir, COMPILED_RULES_FILE)));
    expect(compiled.size).toBe(sources.length);
    expect(summary(loadLibrary(sources, undefined, compiled).library)).toEqual(
      summary(loadLibrary(sources).library),
    );
  });

  it('keep NaN, infinities and -0 in literals', () => {
    const text = 'ruleset r\nrule a [r]: ?x * -0 => ?x * 0\nrule b [r]: ?x + 1e999 => ?x + -1e999\n';
    const dir = decode(compiledRuleFiles([{ text }]));
    const compiled = readCompiledRuleFiles(pathToFileURL(join(dir, COMPILED_RULES_FILE)));
    expect(summary(loadLibrary([{ text }], undefined, compiled).library)).toEqual(
      summary(loadLibrary([{ text }]).library),
    );
  });

  it('are not used for a file whose text changed', () => {
    const old = 'ruleset r\nrule a [r]: exp(log(?x)) => ?x\n';
    const dir = decode(compiledRuleFiles([{ text: old }]));
    const compiled = readCompiledRuleFiles(pathToFileURL(join(dir, COMPILED_RULES_FILE)));
    const edited = 'ruleset r\nrule b [r]: log(exp(?x)) => ?x\n';
    expect(loadLibrary([{ text: edited }], undefined, compiled).library.rules.map((r) => r.name)).toEqual([
      'b',
    ]);
  });

  it('are written in ASCII, and give back texts that are not', () => {
    const text = 'ruleset r\n# x \u00b7 y \u2026\nrule a [r]: exp(log(?x)) => ?x\n';
    const json = compiledRuleFiles([{ text }]);
    expect(json).toMatch(/^[\0-\x7f]*$/);
    const compiled = readCompiledRuleFiles(pathToFileURL(join(decode(json), COMPILED_RULES_FILE)));
    expect([...compiled.keys()]).toEqual([text]);
  });

  it('fail the build step when a rule does not compile', () => {
    const text = 'ruleset r\nrule a [r]: exp(?x) => ?y\n';
    expect(() => compiledRuleFiles([{ text }])).toThrow(/\?y on the right side is not bound/);
  });

  it('compile their rules on first use, to what loading the text compiles', () => {
    const dir = decode(compiledRuleFiles(sources));
    const compiled = readCompiledRuleFiles(pathToFileURL(join(dir, COMPILED_RULES_FILE)));
    const lazy = loadLibrary(sources, undefined, compiled).library.rules;
    const eager = loadLibrary(sources).library.rules;
    expect(lazy.map((r) => r.ops)).toEqual(eager.map((r) => r.lhs.slots.map((s) => s.op)));
    // Compared as data (the build functions of left sides are closures of each compile), without the
    // spans the build step leaves out, which only locate compile errors.
    const data = (r: (typeof eager)[number]) => bare([r.lhs, r.rhs]);
    expect(lazy.map(data)).toEqual(eager.map(data));
  });

  it('optimize as the text does', () => {
    const dir = decode(compiledRuleFiles(sources));
    const compiled = readCompiledRuleFiles(pathToFileURL(join(dir, COMPILED_RULES_FILE)));
    const run = (library: RuleLibrary) => {
      const { outputs, report } = optimize(logisticRegression().outputs, { library });
      return { outputs: formatExpr(outputs), rules: report.rules, nodes: report.nodesAfter };
    };
    expect(run(loadLibrary(sources, undefined, compiled).library)).toEqual(run(loadLibrary(sources).library));
  });

  it('in the build (dist/) are current with rules/*.rules', () => {
    const built = new URL(`../../dist/rules/${COMPILED_RULES_FILE}`, import.meta.url);
    if (!existsSync(built)) return; // no build in this checkout: nothing to be stale
    const texts = Object.keys(JSON.parse(readFileSync(built, 'utf8')) as object);
    const stale = sources.filter((s) => !texts.includes(s.text)).map((s) => s.file);
    expect(stale, 'dist/ is older than these rule files: run npm run build').toEqual([]);
  });
});

describe('grammar recipes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saturn-recipe-'));
  const write = (name: string, file: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(file));
    return pathToFileURL(join(dir, name));
  };

  it('give grammars that parse as the text grammars do', () => {
    const expr = grammarFromRecipe(
      exprGrammarSource,
      write('e.json', recipeFile(exprGrammarSource, exprGrammar())),
      () => {
        throw new Error('the recipe was not used');
      },
    );
    for (const text of ['x: f32[n]; log(1 + exp(x))', 'sum(x * 2, axis=0)', 'exp(x']) {
      const a = exprGrammar().match(text, 'Source');
      const b = expr.match(text, 'Source');
      expect(b.succeeded()).toBe(a.succeeded());
    }
    const rules = grammarFromRecipe(
      rulesGrammarSource,
      write('r.json', recipeFile(rulesGrammarSource, rulesGrammar())),
      () => {
        throw new Error('the recipe was not used');
      },
      exprGrammar(),
    );
    for (const s of sources) expect(rules.match(s.text, 'File').succeeded()).toBe(true);
    expect(rules.superGrammar).toBe(exprGrammar());
  });

  it('are not used when the grammar text changed', () => {
    const url = write('stale.json', recipeFile(exprGrammarSource, exprGrammar()));
    const edited = `${exprGrammarSource}\n`;
    const fallback = ohm().grammar(edited);
    expect(grammarFromRecipe(edited, url, () => fallback)).toBe(fallback);
  });
});

describe('loading without Ohm', () => {
  it('loads the shipped library from the build step and optimizes without loading Ohm', async () => {
    const file = join(decode(compiledRuleFiles(readRuleDir(SHIPPED_RULES_DIR))), COMPILED_RULES_FILE);
    // Fresh instances of every module: this file's imports parsed text with Ohm already.
    vi.resetModules();
    const fresh = {
      ohm: await import('../../src/graph/syntax/ohm.js'),
      load: await import('../../src/rules/load.js'),
      optimize: await import('../../src/optimize.js'),
      models: await import('../../src/models.js'),
    };
    const { library, errors } = fresh.load.loadLibrary(
      fresh.load.readRuleDir(fresh.load.SHIPPED_RULES_DIR),
      undefined,
      fresh.load.readCompiledRuleFiles(pathToFileURL(file)),
    );
    expect(errors).toEqual([]);
    const { report } = fresh.optimize.optimize(fresh.models.logisticRegression().outputs, { library });
    expect(report.nodesAfter).toBeLessThan(report.nodesBefore);
    expect(fresh.ohm.ohmLoaded()).toBe(false);
  });
});
