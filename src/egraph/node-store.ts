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
 * store.insert(e);
 * store.lookup(3, [0, 1], 2) === e; // true
 * ```
 */
export class NodeStore {
  /** Symbol of each node. */
  sym = new Int32Array(256);
  /** Offset of each node's children in `kids`. */
  start = new Int32Array(256);
  /** Id that created each node (its class before any union). */
  owner = new Int32Array(256);
  /** 1 for a node found congruent to another one and dropped from the table. */
  dead = new Uint8Array(256);
  /** Children of all nodes, back to back. */
  kids = new Int32Array(1024);
  /** Number of nodes pushed. */
  count = 0;
  /** Number of nodes currently in the table. */
  live = 0;
  private kidsLen = 0;
  /** Slot pairs (node index, its hash): a probe compares hashes before touching the node arrays. */
  private table = new Int32Array(2048).fill(EMPTY);
  private mask = 1023;
  private used = 0; // live entries plus tombstones

  /** Appends a node (not yet in the table) and returns its index. @example `store.push(sym, kids, 2, owner)` */
  push(sym: number, kids: ArrayLike<number>, arity: number, owner: number): number {
    const e = this.count;
    if (e === this.sym.length) this.growNodes();
    if (this.kidsLen + arity > this.kids.length) {
      const grown = new Int32Array(Math.max(this.kids.length * 2, this.kidsLen + arity));
      grown.set(this.kids);
      this.kids = grown;
    }
    this.sym[e] = sym;
    this.start[e] = this.kidsLen;
    this.owner[e] = owner;
    for (let i = 0; i < arity; i++) this.kids[this.kidsLen + i] = kids[i];
    this.kidsLen += arity;
    this.count = e + 1;
    return e;
  }

  /** Index of the node with this content in the table, or -1. @example `store.lookup(sym, kids, 2)` */
  lookup(sym: number, kids: ArrayLike<number>, arity: number): number {
    const t = this.table;
    const h = hashOf(sym, kids, 0, arity);
    let slot = h & this.mask;
    for (;;) {
      const e = t[2 * slot];
      if (e === EMPTY) return -1;
      if (e >= 0 && t[2 * slot + 1] === h && this.sym[e] === sym && this.sameKids(e, kids, arity)) return e;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Index of a table node with the same content as node `e` (possibly `e` itself), or -1. */
  lookupNode(e: number, arity: number): number {
    const t = this.table;
    const s = this.start[e];
    const sym = this.sym[e];
    const kids = this.kids;
    const h = hashOf(sym, kids, s, arity);
    let slot = h & this.mask;
    for (;;) {
      const f = t[2 * slot];
      if (f === EMPTY) return -1;
      if (f >= 0 && t[2 * slot + 1] === h && this.sym[f] === sym) {
        const fs = this.start[f];
        let i = 0;
        while (i < arity && kids[fs + i] === kids[s + i]) i++;
        if (i === arity) return f;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Puts node `e` in the table under its current content; the caller ensures no equal node is there. */
  insert(e: number, arity: number): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.resize();
    const t = this.table;
    const h = hashOf(this.sym[e], this.kids, this.start[e], arity);
    let slot = h & this.mask;
    while (t[2 * slot] >= 0) slot = (slot + 1) & this.mask;
    if (t[2 * slot] === EMPTY) this.used++;
    t[2 * slot] = e;
    t[2 * slot + 1] = h;
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
      const f = t[2 * slot];
      if (f === EMPTY) return false;
      if (f === e) {
        t[2 * slot] = TOMBSTONE;
        this.live--;
        return true;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls `fn` on every node index in the table (for invariant checks, not hot paths). */
  forEachLive(fn: (e: number) => void): void {
    const t = this.table;
    for (let i = 0; i < t.length; i += 2) if (t[i] >= 0) fn(t[i]);
  }

  private sameKids(e: number, kids: ArrayLike<number>, arity: number): boolean {
    const s = this.start[e];
    for (let i = 0; i < arity; i++) if (this.kids[s + i] !== kids[i]) return false;
    return true;
  }

  private growNodes(): void {
    const n = this.sym.length * 2;
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
    const old = this.table;
    const slots = old.length / 2;
    const size = this.live * 4 > slots ? slots * 2 : slots;
    const t = new Int32Array(2 * size).fill(EMPTY);
    this.table = t;
    this.mask = size - 1;
    this.used = 0;
    this.live = 0;
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i];
      if (e < 0) continue;
      const h = old[i + 1];
      let slot = h & this.mask;
      while (t[2 * slot] !== EMPTY) slot = (slot + 1) & this.mask;
      t[2 * slot] = e;
      t[2 * slot + 1] = h;
      this.used++;
      this.live++;
    }
  }

  /** Number of children of node `e`, read from the offsets since nodes are stored back to back. */
  arityOf(e: number): number {
    return (e + 1 < this.count ? this.start[e + 1] : this.kidsLen) - this.start[e];
  }
}

const EMPTY = -1;
const TOMBSTONE = -2;

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
