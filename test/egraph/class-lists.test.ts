import { describe, expect, it } from 'vitest';
import { ClassLists } from '../../src/egraph/class-lists.js';

function contents(lists: ClassLists, ids: number): number[][] {
  return Array.from({ length: ids }, (_, c) =>
    Array.from({ length: lists.count(c) }, (_, i) => lists.at(c, i)),
  );
}

describe('ClassLists', () => {
  it('keeps each list in order as lists grow past their segments and the pool', () => {
    const lists = new ClassLists();
    for (let c = 0; c < 3; c++) lists.addClass(c);
    for (let k = 0; k < 200; k++) lists.push(k % 3, k);
    expect(contents(lists, 3)).toEqual(
      [0, 1, 2].map((c) => Array.from({ length: 200 }, (_, k) => k).filter((k) => k % 3 === c)),
    );
  });

  it('appends the absorbed list, frees it and filters in place', () => {
    const lists = new ClassLists();
    for (let c = 0; c < 2; c++) lists.addClass(c);
    lists.push(0, 1);
    lists.push(1, 2);
    lists.push(1, 3);
    lists.appendAndFree(0, 1);
    lists.set(0, 1, 3);
    lists.truncate(0, 2);
    expect(contents(lists, 2)).toEqual([[1, 3], []]);
  });

  it('agrees with arrays of arrays over random pushes, merges, filters and reserves', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return Math.floor((seed / 4294967296) * n);
    };
    const lists = new ClassLists();
    const model: number[][] = [];
    const alive: number[] = [];
    for (let step = 0; step < 20000; step++) {
      const r = rand(10);
      if (r < 2 || alive.length < 2) {
        const c = model.length;
        lists.addClass(c);
        model.push([]);
        alive.push(c);
        if (rand(2) === 0) {
          lists.push(c, step);
          model[c].push(step);
        }
      } else if (r < 7) {
        const c = alive[rand(alive.length)];
        lists.push(c, step);
        model[c].push(step);
      } else if (r < 8) {
        const i = rand(alive.length);
        const from = alive[i];
        const to = alive[(i + 1 + rand(alive.length - 1)) % alive.length];
        lists.appendAndFree(to, from);
        model[to].push(...model[from]);
        model[from] = [];
        alive.splice(i, 1);
      } else if (r < 9) {
        const c = alive[rand(alive.length)];
        const kept = model[c].filter((e) => e % 3 !== 0);
        kept.forEach((e, i) => lists.set(c, i, e));
        lists.truncate(c, kept.length);
        model[c] = kept;
      } else {
        lists.reserve(model.length + rand(50), rand(100));
      }
    }
    expect(contents(lists, model.length)).toEqual(model);
  });
});
