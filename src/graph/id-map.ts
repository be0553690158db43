/**
 * A map from node ids to integers in two typed arrays (open addressing, linear probing): walking a graph
 * of 100k nodes with a `Map` keyed by id was most of loading it into an e-graph (a `Map` entry is a
 * traced heap object; here there is nothing for the garbage collector to see).
 *
 * @example
 * const seen = new IdMap();
 * seen.set(node.id, 3);
 * seen.get(node.id) // 3
 * seen.get(other.id) // -1 (absent)
 */
export class IdMap {
  /** Each slot's id plus one (0: free), and its value. */
  private keys: Int32Array;
  private values: Int32Array;
  private shift: number;
  private count = 0;

  /** Room for about `expected` ids before the table first grows. */
  constructor(expected = 16) {
    let bits = 5;
    while (1 << bits < 2 * expected) bits++;
    this.keys = new Int32Array(1 << bits);
    this.values = new Int32Array(1 << bits);
    this.shift = 32 - bits;
  }

  /** Number of ids in the map. */
  get size(): number {
    return this.count;
  }

  /** The value of `id`, or `absent` when it has none. @example `positions.get(node.id)` */
  get(id: number, absent = -1): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let slot = this.slotOf(id); ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === 0) return absent;
      if (k === id + 1) return this.values[slot];
    }
  }

  /** Whether `id` has a value. @example `seen.has(node.id)` */
  has(id: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let slot = this.slotOf(id); ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === 0) return false;
      if (k === id + 1) return true;
    }
  }

  /** Gives `id` the value `value`. Ids are integers in [0, 2^31 - 1). @example `seen.set(node.id, 1)` */
  set(id: number, value: number): void {
    if (!(id >= 0 && id < 0x7fffffff && (id | 0) === id)) throw new RangeError(`IdMap: bad id ${id}`);
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let slot = this.slotOf(id); ; slot = (slot + 1) & mask) {
      const k = keys[slot];
      if (k === id + 1) {
        this.values[slot] = value;
        return;
      }
      if (k === 0) {
        keys[slot] = id + 1;
        this.values[slot] = value;
        if (++this.count * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  /** Fibonacci hashing: node ids are consecutive, and the multiply spreads them over the table. */
  private slotOf(id: number): number {
    return Math.imul(id + 1, 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    this.shift--;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i] - 1, values[i]);
  }
}
