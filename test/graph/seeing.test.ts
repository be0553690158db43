/** Seeing a graph: debugprint, String(node) and console.log(node), toDot and saturn draw, the e-graph picture's size guard. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { addGraph, createTensorEGraph } from '../../src/egraph/tensor/index.js';
import { debugprint, T, toDot } from '../../src/index.js';
import { egraphToDot } from '../../src/rules/dot.js';

afterEach(() => vi.restoreAllMocks());

const x = T.vector('x', 'f64', 'n');

describe('debugprint', () => {
  it('prints one line per node with ids, ops, attributes and types, and refers to shared nodes', () => {
    const e = T.exp(x);
    const m = T.matrix('m', 'f32', ['n', 3]);
    expect(debugprint([T.add(e, T.mul(e, 2)), T.sum(m, { axis: 1 })])).toBe(
      [
        'add [id A] f64[n]',
        ' ├─ exp [id B] f64[n]',
        ' │  └─ x [id C] f64[n]',
        ' └─ mul [id D] f64[n]',
        '    ├─ exp [id B] (above)',
        '    └─ 2 [id E] f64',
        'sum{axis=[1]} [id F] f32[n]',
        ' └─ m [id G] f32[n, 3]',
      ].join('\n'),
    );
  });

  it('prints a 20,000-deep graph without overflowing the stack', () => {
    let y = x;
    for (let i = 0; i < 20_000; i++) y = T.exp(y);
    const lines = debugprint(y).split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[20_000]).toMatch(/^\(depth 20000\) {1,}└─ x \[id [A-Z]+\] f64\[n\]$/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(150);
  });
});

describe('String(node) and console.log(node)', () => {
  it('print the expression, with dtype and shape in inspect', () => {
    const y = T.log(T.add(1, T.exp(x)));
    expect(String(y)).toBe('log(1 + exp(x))');
    expect(`${y}`).toBe('log(1 + exp(x))');
    expect(inspect(y)).toBe('Node<f64[n]> log(1 + exp(x))');
    expect(inspect(T.sum(y))).toBe('Node<f64> sum(log(1 + exp(x)))');
    let long = x;
    for (let i = 0; i < 100; i++) long = T.add(long, i);
    expect(inspect(long)).toMatch(/^Node<f64\[n\]> x \+ 0 \+ 1 .*… \(\d+ characters\)$/);
  });
});

describe('toDot and saturn draw', () => {
  it('draws ops, inputs, constants and outputs with a legend, shared nodes once', () => {
    const e = T.exp(x);
    const dot = toDot([T.add(e, T.mul(e, 2))]);
    expect(dot).toMatch(/^digraph saturn \{/);
    expect(dot.match(/label="exp\\nf64\[n\]"/g)).toHaveLength(1);
    expect(dot).toContain('label="x\\nf64[n]", shape=ellipse');
    expect(dot).toContain('label="output 0\\nadd\\nf64[n]"');
    expect(dot).toContain('subgraph cluster_legend');
  });

  it('refuses a graph too large to lay out, with its size and a hint', () => {
    let y = x;
    for (let i = 0; i < 400; i++) y = T.exp(y);
    expect(() => toDot(y)).toThrow(
      /the graph has 401 nodes, more than 300 .*debugprint\(outputs\), or pass \{ maxNodes: 401 \}/,
    );
    expect(toDot(y, { maxNodes: 500 })).toMatch(/^digraph/);
  });

  it('writes SVG from the command line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'saturn-draw-')), 'g.svg');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await main(['draw', 'log(1 + exp(x))', '--var', 'x:f64[n]', '--optimize', '--svg', file]);
    expect(code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('softplus');
    expect(svg).toContain('legend');
  });
});

describe('the e-graph picture', () => {
  it('draws a large e-graph as the classes of its chosen term only, and refuses when those are too many', () => {
    const t = createTensorEGraph();
    let y = x;
    for (let i = 0; i < 200; i++) y = T.add(T.mul(y, 2), i);
    const [root] = addGraph(t.egraph, t.lang, [y]);
    t.egraph.rebuild();
    expect(() => egraphToDot(t, { roots: [root] })).toThrow(
      /the e-graph has \d+ classes, more than 150 to draw/,
    );
    const choice = new Map(t.egraph.classIds().map((c) => [c, t.egraph.nodesOf(c)[0]] as const));
    const small = createTensorEGraph();
    const [r2] = addGraph(small.egraph, small.lang, [T.exp(x)]);
    expect(egraphToDot(small, { roots: [r2] })).toContain('subgraph cluster_legend');
    expect(() => egraphToDot(t, { roots: [root], chosen: choice })).toThrow(
      /and its chosen term \d+, more than 150/,
    );
    expect(egraphToDot(t, { roots: [root], chosen: choice, maxClasses: 1000 })).toMatch(/^digraph egraph/);
  });
});
