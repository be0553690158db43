/**
 * Regression fixtures: counterexamples the fuzzer found, saved as JSON under `test/regressions/` and
 * replayed by the test suite. A fixture is the property's configuration plus a self-contained case
 * (declarations and expression text with input values, or a rule file's text), so it replays without
 * the generator that found it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../graph/dtype.js';
import { SourceError } from '../graph/errors.js';
import type { Node } from '../graph/node.js';
import { formatDecls, formatExpr, parseExprs } from '../graph/syntax/index.js';
import { Tensor } from '../graph/tensor.js';
import { defaultLibrary, loadLibrary } from '../rules/load.js';
import { type CheckOptimizerOptions, checkGraph } from './check-optimizer.js';

/** A tensor in JSON: NaN and ±Inf as the strings `NaN`, `Infinity`, `-Infinity`. */
export interface TensorJson {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: readonly (number | string)[];
}

/** An optimizer counterexample: `checkGraph` must pass on it under the same options. */
export interface OptimizerFixture {
  readonly kind: 'optimizer';
  readonly mode: string;
  readonly exclude?: readonly string[];
  readonly finiteOnly?: boolean;
  readonly decls: string;
  readonly expr: string;
  readonly inputs: Readonly<Record<string, TensorJson>>;
  /** What failed when it was found. */
  readonly message: string;
}

/** A rule file on which `loadLibrary` threw something other than located `SourceError`s. */
export interface RulesFixture {
  readonly kind: 'rules';
  readonly file: string;
  readonly text: string;
  readonly message: string;
}

export type Fixture = OptimizerFixture | RulesFixture;

/**
 * Encodes a tensor for a fixture.
 *
 * @example tensorToJson(Tensor.from([1, NaN], [2], 'f64')).data // [1, 'NaN']
 */
export function tensorToJson(t: Tensor): TensorJson {
  return {
    dtype: t.dtype,
    shape: t.shape,
    data: Array.from(t.data, (v) => (Number.isFinite(v) ? v : String(v))),
  };
}

/** Decodes {@link tensorToJson}. */
export function tensorFromJson(j: TensorJson): Tensor {
  return Tensor.from(
    j.data.map((v) => Number(v)),
    j.shape,
    j.dtype,
  );
}

/**
 * A fixture for an optimizer counterexample.
 *
 * @example optimizerFixture([y], { x: Tensor.scalar(NaN) }, { mode: 'fast_run' }, 'values differ')
 */
export function optimizerFixture(
  outputs: readonly Node[],
  inputs: Readonly<Record<string, Tensor>>,
  options: CheckOptimizerOptions,
  message: string,
): OptimizerFixture {
  return {
    kind: 'optimizer',
    mode: String(options.mode ?? 'fast_run'),
    exclude: options.exclude,
    finiteOnly: options.finiteOnly,
    decls: formatDecls(outputs),
    expr: formatExpr(outputs),
    inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, tensorToJson(t)])),
    message,
  };
}

/**
 * Replays a fixture; returns why it still fails, or undefined when it passes now.
 *
 * @example replayFixture(JSON.parse(readFileSync(file, 'utf8'))) // undefined once fixed
 */
export function replayFixture(fixture: Fixture): string | undefined {
  if (fixture.kind === 'rules') return replayRules(fixture.text, fixture.file);
  const outputs = parseExprs(`${fixture.decls}\n${fixture.expr}`);
  const values = Object.fromEntries(Object.entries(fixture.inputs).map(([n, j]) => [n, tensorFromJson(j)]));
  const violation = checkGraph({ output: outputs, values }, defaultLibrary(), 0, {
    mode: fixture.mode,
    exclude: fixture.exclude,
    finiteOnly: fixture.finiteOnly,
  });
  return violation?.what;
}

/**
 * Loads one rule file; returns why the loader misbehaved (an exception other than `SourceError`, or
 * an error without a location), or undefined when it only reported located `SourceError`s.
 *
 * @example replayRules('rule a [x]: exp(', 'a.rules') // undefined: a located SourceError
 */
export function replayRules(text: string, file: string): string | undefined {
  try {
    const { errors } = loadLibrary([{ text, file }]);
    for (const e of errors) {
      if (!(e instanceof SourceError))
        return `loadLibrary reported a ${(e as Error).name}: ${(e as Error).message}`;
      if (!(e.span.line >= 1 && e.span.column >= 1))
        return `a SourceError without a location (line ${e.span.line}, col ${e.span.column}): ${e.message}`;
    }
    return undefined;
  } catch (e) {
    const err = e as Error;
    return `loadLibrary threw ${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack ?? ''}`;
  }
}

/**
 * Writes a fixture as `<dir>/<kind>-<stamp>.json`; returns the path.
 *
 * @example saveFixture('test/regressions', fixture) // 'test/regressions/optimizer-1700000000000.json'
 */
export function saveFixture(dir: string, fixture: Fixture): string {
  const path = join(dir, `${fixture.kind}-${Date.now()}-${Math.floor(Math.random() * 1e6)}.json`);
  writeFileSync(path, `${JSON.stringify(fixture, null, 2)}\n`);
  return path;
}

/**
 * Reads every `*.json` fixture of a folder, with its file name.
 *
 * @example readFixtures('test/regressions').length
 */
export function readFixtures(dir: string): { file: string; fixture: Fixture }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, fixture: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture }));
}
