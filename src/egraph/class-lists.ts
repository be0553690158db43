/**
 * A list of node indices per class id (an e-graph's class nodes, or its class parents), all in one
 * `Int32Array` pool: class `c`'s list is `data[start[c] .. start[c] + len[c])`, in a segment of
 * `cap[c]` slots. A list that outgrows its segment moves to the end of the pool with doubled capacity
 * (the last segment grows where it is); a list emptied for good frees its segment, and the pool is
 * compacted when it must grow while more than half of it is freed slots.
 *
 * Why not a JS array per class: on a 100k-class e-graph those small arrays were about 60% of the
 * retained heap, and the young-generation collector copied them again and again while the graph was
 * built (a quarter of `optimize` on a 100k-op graph was scavenges).
 *
 * `data` is replaced when the pool grows or is compacted: read it again after any change.
 *
 * @example
 * ```ts
 * const lists = new ClassLists();
 * lists.addClass(0);
 * lists.push(0, 7);
 * lists.push(0, 9);
 * lists.count(0); // 2
 * lists.at(0, 1); // 9
 * ```
 */
export class ClassLists {
  /** The pool of all lists. */
  data = new Int32Array(INITIAL_SLOTS);
  /** Offset of each class's list in `data`. */
  start = new Int32Array(INITIAL_CLASSES);
  /** Length of each class's list; 0 for an id with no list. */
  len = new Int32Array(INITIAL_CLASSES);
  /** Slots of each class's segment. */
  private cap = new Int32Array(INITIAL_CLASSES);
  /** End of the used part of `data`. */
  private top = 0;
  /** Slots of freed or abandoned segments below `top`. */
  private waste = 0;

  /** Number of entries in class `c`'s list. @example `lists.count(c)` */
  count(c: number): number {
    return this.len[c];
  }

  /** Entry `i` of class `c`'s list (`i` below `count(c)`). @example `lists.at(c, 0)` */
  at(c: number, i: number): number {
    return this.data[this.start[c] + i];
  }

  /** Sets entry `i` of class `c`'s list (`i` below `count(c)`), for filtering a list in place. */
  set(c: number, i: number, e: number): void {
    this.data[this.start[c] + i] = e;
  }

  /** Makes id `c` known, with an empty list (ids are added in increasing order). */
  addClass(c: number): void {
    if (c >= this.len.length) this.growClasses(c + 1);
  }

  /**
   * Makes room for ids below `ids` and for `entries` more entries, for a caller about to add that many
   * (loading a graph), so the arrays grow once instead of by doubling.
   */
  reserve(ids: number, entries: number): void {
    if (ids > this.len.length) this.growClasses(ids);
    this.ensurePool(entries);
  }

  /** Appends `e` to class `c`'s list. */
  push(c: number, e: number): void {
    const n = this.len[c];
    if (n === this.cap[c]) this.growList(c, n + 1);
    this.data[this.start[c] + n] = e;
    this.len[c] = n + 1;
  }

  /** Appends class `from`'s list to class `to`'s, in order, and frees `from`'s. */
  appendAndFree(to: number, from: number): void {
    const n = this.len[to];
    const m = this.len[from];
    if (n + m > this.cap[to]) this.growList(to, n + m);
    const data = this.data;
    const src = this.start[from];
    const dst = this.start[to] + n;
    for (let i = 0; i < m; i++) data[dst + i] = data[src + i];
    this.len[to] = n + m;
    this.free(from);
  }

  /** Cuts class `c`'s list to its first `n` entries (after filtering them in place); its segment stays. */
  truncate(c: number, n: number): void {
    this.len[c] = n;
  }

  /** Empties class `c`'s list for good and gives its segment back. */
  free(c: number): void {
    const cap = this.cap[c];
    if (this.start[c] + cap === this.top) this.top -= cap;
    else this.waste += cap;
    this.start[c] = 0;
    this.len[c] = 0;
    this.cap[c] = 0;
  }

  /** Gives class `c` a segment of at least `need` slots: doubling, where it is when it is the last one. */
  private growList(c: number, need: number): void {
    const cap = this.cap[c];
    let size = cap === 0 ? 1 : cap * 2;
    while (size < need) size *= 2;
    this.ensurePool(size);
    // Read after ensurePool: compaction moves segments.
    const s = this.start[c];
    const cur = this.cap[c];
    if (cur > 0 && s + cur === this.top) {
      this.top += size - cur;
    } else {
      const data = this.data;
      const to = this.top;
      const n = this.len[c];
      for (let i = 0; i < n; i++) data[to + i] = data[s + i];
      this.waste += cur;
      this.start[c] = to;
      this.top = to + size;
    }
    this.cap[c] = size;
  }

  /** Makes room for `extra` slots past `top`: compacting when more than half the pool is waste, else growing. */
  private ensurePool(extra: number): void {
    if (this.top + extra <= this.data.length) return;
    const live = this.top - this.waste;
    if (this.waste > live) {
      this.compact(Math.max(INITIAL_SLOTS, 2 * (live + extra)));
      return;
    }
    const grown = new Int32Array(Math.max(this.data.length * 2, this.top + extra));
    grown.set(this.data.subarray(0, this.top));
    this.data = grown;
  }

  /** Copies every list, in class order and with no spare slots, into a new pool of `size` slots. */
  private compact(size: number): void {
    const old = this.data;
    const data = new Int32Array(size);
    const { start, len, cap } = this;
    let top = 0;
    for (let c = 0; c < len.length; c++) {
      const n = len[c];
      if (cap[c] === 0) continue;
      const s = start[c];
      for (let i = 0; i < n; i++) data[top + i] = old[s + i];
      start[c] = top;
      cap[c] = n;
      top += n;
    }
    this.data = data;
    this.top = top;
    this.waste = 0;
  }

  private growClasses(atLeast: number): void {
    let n = this.len.length * 2;
    while (n < atLeast) n *= 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.start = grow(this.start);
    this.len = grow(this.len);
    this.cap = grow(this.cap);
  }
}

/**
 * Sizes of a new pool: small, as in `NodeStore`, since `optimize` makes e-graphs of a few dozen nodes
 * as well as large ones.
 */
const INITIAL_CLASSES = 64;
const INITIAL_SLOTS = 128;
