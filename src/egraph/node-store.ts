/**
 * An arena of e-nodes (symbol + children) in flat typed arrays plus an open-addressing hash table over them.
 * Nodes are identified by their index; the table stores indices, and hashing reads numeric content directly,
 * so no per-node key string or object is ever built. Used twice by the e-graph: as the hashcons of canonical
 * nodes (mutated in place when rebuild re-canonicalizes them) and, with explanations on, as the memo of the
 * exact nodes as first added.
 *
 * @example
 * ```ts
 * const store = new NodeStore();
 * const e = store.push(3, [0, 1], 2, 7); // symbol 3, children 0 and 1, owner id 7
 * store.insert(e, 2);
 * store.lookup(3, [0, 1], 2) === e; // true
 * ```
 */
/**
 * Nodes a new store has room for; it doubles as needed. Small: each typed array is a separate off-heap
 * allocation that the GC accounts for, and `optimize` makes three e-graphs, two of them of a few dozen
 * nodes (at 256 nodes and a 1,024-slot table, a new store cost as much as a small e-graph's search).
 */
const INITIAL_NODES = 64;

export class NodeStore {
  /** Symbol of each node. */
  sym = new Int32Array(INITIAL_NODES);
  /** Offset of each node's children in `kids` (its symbol is copied just before them). */
  start = new Int32Array(INITIAL_NODES);
  /** Id that created each node (its class before any union). */
  owner = new Int32Array(INITIAL_NODES);
  /** 1 for a node found congruent to another one and dropped from the table. */
  dead = new Uint8Array(INITIAL_NODES);
  /** Each node's symbol then its children, node after node: a hashcons probe reads one place. */
  kids = new Int32Array(4 * INITIAL_NODES);
  /** Number of nodes pushed. */
  count = 0;
  /** Number of nodes currently in the table. */
  live = 0;
  private kidsLen = 0;
  /**
   * Slots of four: node index + 1 (0 for an empty slot, so a new table needs no fill: filling with -1
   * was 2% of a warm optimize, which makes three e-graphs), its hash, its offset in `kids`, its owner. A
   * probe compares hashes in the table, then symbol and children at one place in `kids`, and a hit
   * yields the owner without reading more arrays.
   */
  private table = new Int32Array(4 * 2 * INITIAL_NODES);
  private mask = 2 * INITIAL_NODES - 1;
  private used = 0; // live entries plus tombstones

  /** Appends a node (not yet in the table) and returns its index. @example `store.push(sym, kids, 2, owner)` */
  push(sym: number, kids: ArrayLike<number>, arity: number, owner: number): number {
    const e = this.count;
    if (e === this.sym.length) this.growNodes();
    if (this.kidsLen + arity + 1 > this.kids.length) {
      const grown = new Int32Array(Math.max(this.kids.length * 2, this.kidsLen + arity + 1));
      grown.set(this.kids);
      this.kids = grown;
    }
    const s = this.kidsLen + 1;
    this.sym[e] = sym;
    this.start[e] = s;
    this.owner[e] = owner;
    this.kids[s - 1] = sym;
    for (let i = 0; i < arity; i++) this.kids[s + i] = kids[i];
    this.kidsLen = s + arity;
    this.count = e + 1;
    return e;
  }

  /** Index of the node with this content in the table, or -1. @example `store.lookup(sym, kids, 2)` */
  lookup(sym: number, kids: ArrayLike<number>, arity: number): number {
    const slot = this.find(sym, kids, arity);
    return slot < 0 ? -1 : this.table[4 * slot] - 1;
  }

  /** Owner of the node with this content in the table, or -1. @example `store.lookupOwner(sym, kids, 2)` */
  lookupOwner(sym: number, kids: ArrayLike<number>, arity: number): number {
    const slot = this.find(sym, kids, arity);
    return slot < 0 ? -1 : this.table[4 * slot + 3];
  }

  private find(sym: number, kids: ArrayLike<number>, arity: number): number {
    const t = this.table;
    const data = this.kids;
    const h = hashOf(sym, kids, 0, arity);
    let slot = h & this.mask;
    for (;;) {
      const e = t[4 * slot];
      if (e === EMPTY) return -1;
      if (e > 0 && t[4 * slot + 1] === h) {
        const s = t[4 * slot + 2];
        if (data[s - 1] === sym) {
          let i = 0;
          while (i < arity && data[s + i] === kids[i]) i++;
          if (i === arity) return slot;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Index of a table node with the same content as node `e` (possibly `e` itself), or -1. */
  lookupNode(e: number, arity: number): number {
    const t = this.table;
    const s = this.start[e];
    const kids = this.kids;
    const sym = kids[s - 1];
    const h = hashOf(sym, kids, s, arity);
    let slot = h & this.mask;
    for (;;) {
      const f = t[4 * slot];
      if (f === EMPTY) return -1;
      if (f > 0 && t[4 * slot + 1] === h) {
        const fs = t[4 * slot + 2];
        if (kids[fs - 1] === sym) {
          let i = 0;
          while (i < arity && kids[fs + i] === kids[s + i]) i++;
          if (i === arity) return f - 1;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Puts node `e` in the table under its current content; the caller ensures no equal node is there. */
  insert(e: number, arity: number): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.resize();
    const t = this.table;
    const s = this.start[e];
    const h = hashOf(this.sym[e], this.kids, s, arity);
    let slot = h & this.mask;
    while (t[4 * slot] > 0) slot = (slot + 1) & this.mask;
    if (t[4 * slot] === EMPTY) this.used++;
    t[4 * slot] = e + 1;
    t[4 * slot + 1] = h;
    t[4 * slot + 2] = s;
    t[4 * slot + 3] = this.owner[e];
    this.live++;
  }

  /**
   * Takes node `e` out of the table; its content must be what it was inserted with, which holds because the
   * e-graph removes a node before canonicalizing it in place. Returns false when it was not there.
   */
  remove(e: number, arity: number): boolean {
    const t = this.table;
    let slot = hashOf(this.sym[e], this.kids, this.start[e], arity) & this.mask;
    for (;;) {
      const f = t[4 * slot];
      if (f === EMPTY) return false;
      if (f === e + 1) {
        t[4 * slot] = TOMBSTONE;
        this.live--;
        return true;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * Makes room for `extra` more nodes in the node arrays and the table at once, so that loading a graph
   * of known size does not grow them by doubling (a 100k-node load rehashed the table eleven times).
   */
  reserve(extra: number): void {
    const nodes = this.count + extra;
    if (nodes > this.sym.length) this.growNodes(nodes);
    let slots = this.mask + 1;
    while ((this.used + extra) * 2 > slots) slots *= 2;
    if (slots > this.mask + 1) this.rehash(slots);
  }

  /** Calls `fn` on every node index in the table (for invariant checks, not hot paths). */
  forEachLive(fn: (e: number) => void): void {
    const t = this.table;
    for (let i = 0; i < t.length; i += 4) if (t[i] > 0) fn(t[i] - 1);
  }

  private growNodes(atLeast = 0): void {
    let n = this.sym.length * 2;
    while (n < atLeast) n *= 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.sym = grow(this.sym, (k) => new Int32Array(k));
    this.start = grow(this.start, (k) => new Int32Array(k));
    this.owner = grow(this.owner, (k) => new Int32Array(k));
    this.dead = grow(this.dead, (k) => new Uint8Array(k));
  }

  private resize(): void {
    const slots = this.table.length / 4;
    this.rehash(this.live * 4 > slots ? slots * 2 : slots);
  }

  /** Moves the live entries into a new table of `size` slots (a power of two), dropping tombstones. */
  private rehash(size: number): void {
    const old = this.table;
    const t = new Int32Array(4 * size);
    this.table = t;
    this.mask = size - 1;
    this.used = 0;
    this.live = 0;
    for (let i = 0; i < old.length; i += 4) {
      const e = old[i];
      if (e <= 0) continue;
      const h = old[i + 1];
      let slot = h & this.mask;
      while (t[4 * slot] !== EMPTY) slot = (slot + 1) & this.mask;
      t[4 * slot] = e;
      t[4 * slot + 1] = h;
      t[4 * slot + 2] = old[i + 2];
      t[4 * slot + 3] = old[i + 3];
      this.used++;
      this.live++;
    }
  }

  /** Number of children of node `e`, read from the offsets since nodes are stored back to back. */
  arityOf(e: number): number {
    return (e + 1 < this.count ? this.start[e + 1] - 1 : this.kidsLen) - this.start[e];
  }
}

const EMPTY = 0;
const TOMBSTONE = -1;

/** Hash of (symbol, children), a murmur-style mix over 32-bit integers. */
function hashOf(sym: number, kids: ArrayLike<number>, from: number, arity: number): number {
  let h = Math.imul(sym + 0x3c6ef372, 0x9e3779b1);
  for (let i = 0; i < arity; i++) {
    h ^= Math.imul(kids[from + i], 0xcc9e2d51);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
