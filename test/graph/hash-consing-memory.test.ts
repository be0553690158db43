/**
 * The hash-consing table holds its nodes weakly: graphs nobody holds any more are collected, and the
 * table's own entries for them go too, so a long session that builds and drops graphs does not grow.
 * Entries go in sweeps, each when the table has doubled since the one before: what a dropped graph
 * leaves is bounded, not gone at once.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { internedCount } from '../../src/graph/apply.js';
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

/** Builds and drops `rounds` chains of 20k nodes, each in a job of its own, numbered from `first`. */
async function buildAndDrop(first: number, rounds: number): Promise<number> {
  for (let round = first; round < first + rounds; round++) {
    chain(20_000, round);
    await settledHeap();
  }
  return settledHeap();
}

it('keeps no memory for graphs that were built and dropped', async () => {
  // After a few rounds the table holds at most about two rounds' entries awaiting a sweep; nine more
  // rounds leave it no larger. 180k dropped nodes (with their constants) would hold about 60 MB if the
  // table kept them, and over 10 MB if it kept only its keys.
  const before = await buildAndDrop(0, 3);
  const after = await buildAndDrop(3, 9);
  expect((after - before) / 2 ** 20, 'MB kept').toBeLessThan(5);
});

it('drops the entries of collected nodes', async () => {
  await buildAndDrop(100, 12);
  // 12 rounds entered 240k nodes; a sweep leaves only entries whose nodes live, and the next one comes
  // when the table has doubled.
  expect(internedCount()).toBeLessThan(2 * 20_000 + 20_000);
});

it('still gives the same node for the same expression while it is held', async () => {
  const held = chain(1_000, 199);
  await buildAndDrop(200, 3);
  expect(chain(1_000, 199)).toBe(held);
});
