/** IdMap, the typed-array map from node ids that graph walks use, agrees with a Map. */
import { describe, expect, it } from 'vitest';
import { IdMap } from '../../src/graph/id-map.js';
import { prng } from '../../src/graph/random.js';

describe('IdMap', () => {
  it('gives what was set, the default for absent ids, and grows past its first size', () => {
    const m = new IdMap(4);
    expect(m.get(7)).toBe(-1);
    expect(m.get(7, -2)).toBe(-2);
    expect(m.has(7)).toBe(false);
    for (let id = 0; id < 1000; id++) m.set(id * 3, id - 1);
    expect(m.size).toBe(1000);
    for (let id = 0; id < 1000; id++) {
      expect(m.has(id * 3)).toBe(true);
      expect(m.get(id * 3, 99)).toBe(id - 1);
      expect(m.has(id * 3 + 1)).toBe(false);
    }
    m.set(3, 42);
    expect(m.get(3)).toBe(42);
    expect(m.size).toBe(1000);
  });

  it('agrees with a Map on random ids', () => {
    const random = prng(7);
    const m = new IdMap();
    const ref = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const id = Math.floor(random() * 2 ** 30);
      const value = Math.floor(random() * 1000) - 500;
      m.set(id, value);
      ref.set(id, value);
    }
    expect(m.size).toBe(ref.size);
    for (const [id, value] of ref) expect(m.get(id)).toBe(value);
  });

  it('refuses ids that are not integers in its range', () => {
    const m = new IdMap();
    expect(() => m.set(-1, 0)).toThrow(RangeError);
    expect(() => m.set(1.5, 0)).toThrow(RangeError);
    expect(() => m.set(2 ** 31, 0)).toThrow(RangeError);
  });
});
