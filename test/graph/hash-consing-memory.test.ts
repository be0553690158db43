/**
 * The hash-consing table holds its nodes weakly: graphs nobody holds any more are collected, and the
 * table's own entries for them go too, so a long session that builds and drops graphs does not grow.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import type { Node } from '../../src/graph/node.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A chain of `n` fresh nodes over inputs named after `round`; returns its last node. */
function chain(n: number, round: number): Node {
  let x: Node = T.vector(`x${round}`, 'f32', 4);
  for (let i = 0; i < n; i++) x = i % 2 === 0 ? x.add(i) : x.mul(x);
  return x;
}

/** Heap in use after a full collection, once the job that dropped the nodes has ended. */
async function settledHeap(): Promise<number> {
  // A WeakRef's target stays alive until the job that read it ends: collect on a later turn.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

it('keeps no memory for graphs that were built and dropped', async () => {
  chain(20_000, 0);
  const before = await settledHeap();
  for (let round = 1; round <= 3; round++) chain(20_000, round);
  const after = await settledHeap();
  // 60k dropped nodes (with their constants) would hold about 20 MB if the table kept them, and
  // several MB if it kept only its keys.
  expect((after - before) / 2 ** 20, 'MB kept').toBeLessThan(3);
});

it('still gives the same node for the same expression while it is held', async () => {
  const held = chain(1_000, 99);
  for (let round = 100; round < 102; round++) chain(20_000, round);
  await settledHeap();
  expect(chain(1_000, 99)).toBe(held);
});
