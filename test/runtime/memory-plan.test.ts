import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/graph/builders.js';
import { byteSize } from '../../src/graph/dtype.js';
import { graphInputs } from '../../src/graph/topo.js';
import { mlp } from '../../src/models.js';
import { lower } from '../../src/runtime/lower.js';
import { bufferBytes, liveness, planMemory } from '../../src/runtime/memory-plan.js';
import type { Program } from '../../src/runtime/program.js';
import { arbGraph } from '../../src/testing/index.js';
import { sgdUpdates } from './parity.js';

/** Every violation of the plan's contract, as messages (empty when the plan is sound). */
function violations(p: Program): string[] {
  const problems: string[] = [];
  const { def, lastUse } = liveness(p);
  const { slotOf, slotBytes } = p.memory;
  for (const b of p.buffers) {
    if (slotBytes[slotOf[b.id]] < b.size * byteSize(b.dtype)) problems.push(`%${b.id} does not fit its slot`);
    if (slotBytes[slotOf[b.id]] % 16 !== 0) problems.push(`slot of %${b.id} is not 16-byte aligned`);
  }
  const pinned = (role: string) => role === 'input' || role === 'param' || role === 'constant';
  for (const a of p.buffers)
    for (const b of p.buffers) {
      if (a.id >= b.id || slotOf[a.id] !== slotOf[b.id]) continue;
      if (pinned(a.role) || pinned(b.role)) {
        problems.push(`%${a.id} (${a.role}) shares a slot with %${b.id} (${b.role})`);
        continue;
      }
      // Live ranges [def, lastUse] may touch only where a kernel writes b in place of a.
      const [first, second] = def[a.id] <= def[b.id] ? [a.id, b.id] : [b.id, a.id];
      if (lastUse[first] < def[second]) continue;
      const k = p.kernels[def[second]];
      const inPlace =
        lastUse[first] === def[second] &&
        k.inPlaceOf !== undefined &&
        k.operands[k.inPlaceOf].buffer === first &&
        k.operands.every((v, i) => i === k.inPlaceOf || v.buffer !== first);
      if (!inPlace) problems.push(`%${first} and %${second} are live together in slot ${slotOf[a.id]}`);
    }
  return problems;
}

describe('memory plan', () => {
  it('no two live values share a slot, on random graphs (fused and unfused)', () => {
    fc.assert(
      fc.property(arbGraph({ maxSteps: 10, maxRank: 3, maxDim: 4 }), fc.boolean(), (g, fuse) => {
        const p = lower({ outputs: [g.output], params: [], updates: [], sizes: new Map(), fuse });
        expect(violations(p)).toEqual([]);
        expect(p.memory.peakBytes).toBeLessThanOrEqual(p.memory.naiveBytes);
      }),
      { numRuns: 150 },
    );
  });

  it('the checker catches a plan that puts two live values in one slot', () => {
    const x = T.vector('mx', 'f32', 'n');
    const p = lower({
      outputs: [T.add(T.exp(x), T.sin(T.exp(x)))],
      params: [],
      updates: [],
      sizes: new Map([['n', 5]]),
      fuse: false,
    });
    const broken = { ...p, memory: { ...p.memory, slotOf: p.memory.slotOf.map(() => 0) } };
    expect(violations(broken).length).toBeGreaterThan(0);
  });

  it('parameters, inputs and update values keep their slots on the model step', () => {
    const model = mlp({ inputs: 784, hidden: 256, classes: 10 }, 'f32');
    const updates = sgdUpdates(model, 0.1);
    const p = lower({
      outputs: [model.cost],
      params: model.params,
      updates,
      sizes: new Map([['n', 256]]),
    });
    expect(violations(p)).toEqual([]);
    expect(graphInputs([model.cost]).length).toBe(6);
    // The target: the fused, planned peak is at most 60% of one buffer per graph node.
    expect(p.memory.peakBytes / p.memory.perNodeBytes!).toBeLessThanOrEqual(0.6);
    expect(p.memory.peakBytes).toBeLessThan(p.memory.naiveBytes);
  });

  it('reuse: false gives every buffer its own slot', () => {
    const x = T.vector('mx2', 'f64', 'n');
    const outputs = [T.sum(T.exp(T.sin(T.exp(x))))];
    const p = lower({ outputs, params: [], updates: [], sizes: new Map([['n', 3]]), fuse: false });
    const naive = planMemory(p, { reuse: false });
    expect(naive.memory.slotBytes.length).toBe(p.buffers.length);
    expect(naive.memory.peakBytes).toBe(p.buffers.reduce((s, b) => s + bufferBytes(p, b.id), 0));
    expect(p.memory.peakBytes).toBeLessThan(naive.memory.peakBytes);
    expect(p.kernels.some((k) => k.inPlaceOf !== undefined)).toBe(true);
  });
});
