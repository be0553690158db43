/** Printing a tree writes each node's text once, in order, however deep the tree. */
import { describe, expect, it } from 'vitest';
import { printTree } from '../../src/egraph/fold.js';
import { eggMathLanguage } from '../../bench/egg-math/language.js';
import { formatTerm, parseTerm } from '../../src/egraph/term.js';

interface Tree {
  op: string;
  kids: Tree[];
}
const sexp = (t: Tree) =>
  t.kids.length ? { open: `(${t.op} `, between: ' ', close: ')' } : { open: t.op, between: '', close: '' };

describe('printTree', () => {
  it('prints children in order, separators only between them', () => {
    const t: Tree = {
      op: 'f',
      kids: [
        { op: 'a', kids: [] },
        { op: 'g', kids: [{ op: 'b', kids: [] }] },
        { op: 'c', kids: [] },
      ],
    };
    expect(printTree(t, (n) => n.kids, sexp)).toBe('(f a (g b) c)');
    const call = (n: Tree) => ({
      open: n.kids.length ? `${n.op}(` : n.op,
      between: ', ',
      close: n.kids.length ? ')' : '',
    });
    expect(printTree(t, (n) => n.kids, call)).toBe('f(a, g(b), c)');
  });

  it('prints a chain 200,000 levels deep, as deep as it is long', () => {
    let t: Tree = { op: 'x', kids: [] };
    const depth = 200_000;
    for (let i = 0; i < depth; i++) t = { op: '+', kids: [t, { op: '1', kids: [] }] };
    const text = printTree(t, (n) => n.kids, sexp);
    expect(text).toBe('(+ '.repeat(depth) + 'x' + ' 1)'.repeat(depth));
  });

  it('is what formatTerm prints, and formatTerm round-trips through parseTerm', () => {
    const lang = eggMathLanguage();
    const src = '(+ (* x 2) (sin (- y 0)))';
    expect(formatTerm(lang, parseTerm(lang, src))).toBe(src);
  });
});
