/**
 * The build step's prebuilt library (src/rules/prebuilt.ts): it loads to the library the rule files'
 * text gives, is used only while the files are those it was built from, and the built one is current.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatExpr } from '../../src/graph/syntax/index.js';
import { logisticRegression } from '../../src/models.js';
import { optimize } from '../../src/optimize.js';
import type { RuleLibrary } from '../../src/rules/library.js';
import { loadLibrary, readRuleDir, SHIPPED_RULES_DIR } from '../../src/rules/load.js';
import {
  PREBUILT_LIBRARY_FILE,
  prebuiltLibraryFile,
  readPrebuiltLibrary,
  withoutSpans,
} from '../../src/rules/prebuilt.js';

const sources = readRuleDir(SHIPPED_RULES_DIR);

/** The file for `texts`, written to a fresh folder; its URL. */
function written(texts: readonly { text: string; file?: string }[]): URL {
  const dir = mkdtempSync(join(tmpdir(), 'saturn-prebuilt-'));
  const { library, errors } = loadLibrary(texts);
  expect(errors).toEqual([]);
  writeFileSync(join(dir, PREBUILT_LIBRARY_FILE), prebuiltLibraryFile(texts, library));
  return pathToFileURL(join(dir, PREBUILT_LIBRARY_FILE));
}

/** Everything a library holds, as comparable data (patterns without their parts' spans). */
function summary(library: RuleLibrary) {
  return {
    rules: library.rules.map((r) => ({
      name: r.def.name,
      tags: r.def.tags,
      replaces: r.def.replaces,
      span: r.def.span,
      ops: r.ops,
      sides: withoutSpans([r.def.lhs, r.def.rhs, r.def.guard]),
      // The compiled left side, which the file holds as data, without its build function.
      lhs: { slots: r.lhs.slots, literals: r.lhs.literals },
    })),
    rulesets: [...library.rulesets],
    modes: [...library.modes],
    checks: library.checks,
  };
}

describe('the prebuilt library', () => {
  const url = written(sources);

  it('loads to the library of the text', () => {
    const prebuilt = readPrebuiltLibrary(sources, url);
    expect(prebuilt).toBeDefined();
    expect(summary(prebuilt!)).toEqual(summary(loadLibrary(sources).library));
  });

  it('keeps NaN, infinities and -0 in literals, and texts that are not ASCII', () => {
    const texts = [
      {
        text: 'ruleset r\n# x \u00b7 y\nrule a [r]: ?x * -0 => ?x * 0\nrule b [r]: ?x + 1e999 => ?x + -1e999\n',
      },
    ];
    const file = written(texts);
    expect(readFileSync(file, 'latin1')).toMatch(/^[\0-\x7f]*$/);
    expect(summary(readPrebuiltLibrary(texts, file)!)).toEqual(summary(loadLibrary(texts).library));
  });

  it('is not used when a file changed, was added or is missing', () => {
    const edited = sources.map((s, i) => (i === 1 ? { ...s, text: `${s.text}\n` } : s));
    expect(readPrebuiltLibrary(edited, url)).toBeUndefined();
    expect(readPrebuiltLibrary(sources.slice(1), url)).toBeUndefined();
    expect(readPrebuiltLibrary([...sources, { text: 'ruleset extra\n' }], url)).toBeUndefined();
  });

  it('optimizes as the text does', () => {
    const run = (library: RuleLibrary) => {
      const { outputs, report } = optimize(logisticRegression().outputs, { library });
      return { outputs: formatExpr(outputs), rules: report.rules, nodes: report.nodesAfter };
    };
    expect(run(readPrebuiltLibrary(sources, url)!)).toEqual(run(loadLibrary(sources).library));
  });

  it('in the build (dist/) is current with rules/*.rules', () => {
    const built = new URL(`../../dist/rules/${PREBUILT_LIBRARY_FILE}`, import.meta.url);
    if (!existsSync(built)) return; // no build in this checkout: nothing to be stale
    expect(
      readPrebuiltLibrary(sources, built),
      'dist/ is older than rules/*.rules: run npm run build',
    ).toBeDefined();
  });
});
