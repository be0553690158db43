/**
 * Replays the counterexamples saved under test/regressions/ (by `npm run fuzz`, or by hand): each must
 * pass now. A new fixture is committed together with the fix that makes it pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { T, Tensor } from '../../src/graph/index.js';
import {
  optimizerFixture,
  readFixtures,
  replayFixture,
  saveFixture,
  tensorFromJson,
  tensorToJson,
} from '../../src/testing/index.js';

const DIR = fileURLToPath(new URL('../regressions/', import.meta.url));
const fixtures = readFixtures(DIR);

describe('regression fixtures', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.file, f.fixture] as const))('%s passes', (_file, fixture) => {
    expect(replayFixture(fixture)).toBeUndefined();
  });
});

describe('fixture files', () => {
  it('round-trip an optimizer case, NaN and infinities included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saturn-regressions-'));
    try {
      const x = T.vector('x', 'f64');
      const y = T.log(T.add(1, T.exp(x)));
      const inputs = { x: Tensor.from([Number.NaN, Infinity, -Infinity, 2], [4], 'f64') };
      saveFixture(dir, optimizerFixture([y], inputs, { mode: 'fast_run' }, 'example'));
      const [{ fixture }] = readFixtures(dir);
      expect(fixture).toMatchObject({
        kind: 'optimizer',
        mode: 'fast_run',
        decls: 'x: f64[?]',
        expr: 'log(1 + exp(x))',
      });
      expect(replayFixture(fixture)).toBeUndefined();
      expect(tensorToJson(inputs.x).data).toEqual(['NaN', 'Infinity', '-Infinity', 2]);
      expect([...tensorFromJson(tensorToJson(inputs.x)).data]).toEqual([Number.NaN, Infinity, -Infinity, 2]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('report what still fails', () => {
    const fixture = {
      kind: 'rules' as const,
      file: 'x.rules',
      text: 'rule a [nope]: exp(?x) => ?x',
      message: '',
    };
    expect(replayFixture(fixture)).toBeUndefined(); // an unknown ruleset is a located SourceError: fine
  });
});
