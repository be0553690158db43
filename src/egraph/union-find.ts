import { asClassId, type ClassId } from './ids.js';

/**
 * Disjoint sets over dense integer ids, stored in one growable `Int32Array` so `find` never allocates.
 * The caller decides which root wins a union (the e-graph merges the smaller class into the larger one).
 *
 * @example
 * ```ts
 * const uf = new UnionFind();
 * const a = uf.makeSet(), b = uf.makeSet();
 * uf.union(a, b);
 * uf.find(b) === a; // true
 * ```
 */
export class UnionFind {
  private parent = new Int32Array(64);
  private n = 0;

  /** Number of ids ever created. @example `uf.size` */
  get size(): number {
    return this.n;
  }

  /** Creates a new singleton set and returns its id. @example `const a = uf.makeSet()` */
  makeSet(): ClassId {
    if (this.n === this.parent.length) {
      const grown = new Int32Array(this.n * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    this.parent[this.n] = this.n;
    return asClassId(this.n++);
  }

  /** Root of `id`'s set, halving the path on the way (cheap, and keeps trees shallow). @example `uf.find(a)` */
  find(id: number): ClassId {
    const p = this.parent;
    let x = id;
    while (p[x] !== x) {
      const gp = p[p[x]];
      p[x] = gp;
      x = gp;
    }
    return asClassId(x);
  }

  /** Whether `id` is the root of its set. @example `uf.isRoot(a)` */
  isRoot(id: number): boolean {
    return this.parent[id] === id;
  }

  /** Makes `root` the parent of `child`; both must be roots. @example `uf.union(a, b)` */
  union(root: ClassId, child: ClassId): ClassId {
    this.parent[child] = root;
    return root;
  }
}
