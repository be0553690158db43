/**
 * The same graph gives the same optimized graph, report and rule counts in any process state: phases
 * stop on work limits, not on the clock, and the e-graph is built in an order that depends on the graph
 * alone (not on node ids, which grow with everything built earlier in the process).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MODELS, optimizedModels } from './models-printed.js';

const ORDER = Object.keys(MODELS);

describe('determinism', () => {
  const first = optimizedModels(ORDER);

  it('gives the same results for the model graphs in the reverse order in one process', () => {
    expect(optimizedModels([...ORDER].reverse())).toEqual(first);
  });

  it('gives the same results in a fresh child process, in the reverse order', () => {
    // Hash-consing returns the nodes built first, so within one process a second build reuses their ids;
    // a fresh process building the models in another order gives them other ids.
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        './test/support/ts-register.mjs',
        'test/optimize/print-models.ts',
        ...[...ORDER].reverse(),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    expect(JSON.parse(out)).toEqual(first);
  });
});
