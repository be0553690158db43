import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CpuExecutor, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import { operand, ProgramDraft } from '../programs.js';
import { ap } from './programs.js';

function bigProgram() {
  const d = new ProgramDraft();
  const n = 1 << 20;
  const x = d.buffer('f32', [n], 'input');
  const out = d.buffer('f32', [n], 'output');
  d.elementwise('e', [x], out, ap('exp', [ap('sin', [operand(0)])]));
  return { program: d.build(), x, out, n };
}

describe('cpu worker pool', () => {
  it('shuts down cleanly and starts again on the next prepare', async () => {
    const { program, x, out, n } = bigProgram();
    const first = await new CpuExecutor({ threads: 2 }).prepare(program);
    first.write(x, new Float32Array(n).fill(1));
    first.run();
    first.dispose();
    closeCpuPool();
    const again = await new CpuExecutor({ threads: 2 }).prepare(program);
    again.write(x, new Float32Array(n).fill(1));
    again.run();
    expect((again.read(out) as Float32Array)[n - 1]).toBeCloseTo(Math.exp(Math.sin(1)), 6);
    again.dispose();
    closeCpuPool();
  });

  it('back-to-back split runs (chunks claimed by whichever thread is free) give the 1-thread bits', async () => {
    const { program, x, out, n } = bigProgram();
    const one = await new CpuExecutor({ threads: 1 }).prepare(program);
    const two = await new CpuExecutor({ threads: 2, splitThresholdMs: 0 }).prepare(program);
    const data = new Float32Array(n);
    for (let run = 0; run < 200; run++) {
      data.fill(run / 50 - 2, (run * 997) % n);
      one.write(x, data);
      two.write(x, data);
      one.run();
      two.run();
      const [a, b] = [one.read(out), two.read(out)] as Float32Array[];
      if (!Buffer.from(a.buffer).equals(Buffer.from(b.buffer))) expect.fail(`run ${run} differs`);
    }
    one.dispose();
    two.dispose();
    closeCpuPool();
  });

  it('a process that compiled and ran on worker threads exits on its own', () => {
    // A plain Node child needs JavaScript: transpile the executor's sources (and its runtime imports
    // from outside src/runtime/cpu) into a temporary tree with the same layout.
    const dir = mkdtempSync(join(tmpdir(), 'saturn-cpu-'));
    const files = [...readdirSync('src/runtime/cpu', { recursive: true, encoding: 'utf8' })]
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join('src/runtime/cpu', f));
    for (const file of [...files, 'src/graph/ops/scalar-math.ts', 'src/runtime/views.ts']) {
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const target = join(dir, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, js);
    }
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const script = join(dir, 'child.js');
    writeFileSync(
      script,
      `import { CpuExecutor } from './src/runtime/cpu/executor.js';
const n = 1 << 20;
const expr = { kind: 'op', op: 'exp', dtype: 'f32', args: [{ kind: 'operand', index: 0, dtype: 'f32' }] };
const program = {
  buffers: [
    { id: 0, dtype: 'f32', shape: [n], size: n, role: 'input' },
    { id: 1, dtype: 'f32', shape: [n], size: n, role: 'output' },
  ],
  kernels: [{ kind: 'elementwise', name: 'e', ops: ['exp'], operands: [{ buffer: 0, dtype: 'f32', shape: [n], strides: [1], offset: 0 }], output: 1, shape: [n], expr }],
  inputs: [0], params: [], outputs: [1], updates: [],
  memory: { slotBytes: [4 * n, 4 * n], slotOf: [0, 1], peakBytes: 8 * n, naiveBytes: 8 * n },
};
const p = await new CpuExecutor({ threads: 2 }).prepare(program);
p.write(0, new Float32Array(n).fill(0));
p.run();
console.log('ran', p.read(1)[0]);
`,
    );
    const stdout = execFileSync(process.execPath, [script], { timeout: 30_000, encoding: 'utf8' });
    expect(stdout).toContain('ran 1');
  });
});
