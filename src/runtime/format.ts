/**
 * A program as text for people: its buffers, then each kernel with the ops it fused, its operand views
 * and its body, then the memory plan.
 */
import { formatShape } from '../graph/shape.js';
import type { BufferDecl, Kernel, Program, ScalarExpr, View } from './program.js';
import { isIdentityView } from './views.js';

/**
 * Formats a scalar expression with operands as `$0`, `$1`, the accumulator as `acc`.
 *
 * @example formatScalar({ kind: 'op', op: 'exp', args: [{ kind: 'operand', index: 0, dtype: 'f32' }], dtype: 'f32' }) // 'exp($0)'
 */
export function formatScalar(e: ScalarExpr): string {
  switch (e.kind) {
    case 'operand':
      return `$${e.index}`;
    case 'acc':
      return 'acc';
    case 'const':
      return String(e.value);
    case 'op':
      return e.op === 'cast'
        ? `${e.dtype}(${formatScalar(e.args[0])})`
        : `${e.op}(${e.args.map(formatScalar).join(', ')})`;
  }
}

function bufferName(b: BufferDecl): string {
  return b.name ? `%${b.id} '${b.name}'` : `%${b.id}`;
}

function formatView(v: View, program: Program): string {
  const b = program.buffers[v.buffer];
  if (isIdentityView(v, b.size)) return `%${v.buffer}`;
  const offset = v.offset ? ` +${v.offset}` : '';
  return `%${v.buffer}${formatShape(v.shape)} strides ${formatShape(v.strides)}${offset}`;
}

function formatKernel(k: Kernel): string {
  switch (k.kind) {
    case 'elementwise':
      return `${formatShape(k.shape)} ${formatScalar(k.expr)}`;
    case 'reduce':
      return `${k.op} over axes ${formatShape(k.axes)} of ${formatShape(k.shape)}: ${formatScalar(k.producer)} then ${formatScalar(k.epilogue)}`;
    case 'matmul':
      return `${k.batch > 1 ? `${k.batch}× ` : ''}[${k.m}×${k.k}]·[${k.k}×${k.n}] then ${formatScalar(k.epilogue)}`;
    case 'softmax':
    case 'argreduce':
      return `${k.op} of ${k.rows} rows × ${k.length}`;
    case 'copy':
      return formatShape(k.shape);
    case 'concat':
      return `axis ${k.axis} into ${formatShape(k.shape)}`;
  }
}

/** Bytes as a short human figure. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The listing of a program.
 *
 * @example
 * formatProgram(program)
 * // buffers:
 * //   %0 'x' input f32[4]
 * //   %1 output f32[]
 * // kernels:
 * //   reduce_0  sum over axes [0] of [4]: exp($0) then f32(acc)   [exp, sum]
 * //     %1 <- %0
 * // memory: 2 slots, peak 32 B (naive 32 B)
 */
export function formatProgram(program: Program): string {
  const lines = ['buffers:'];
  for (const b of program.buffers) {
    const slot = program.memory.slotOf[b.id];
    lines.push(`  ${bufferName(b)} ${b.role} ${b.dtype}${formatShape(b.shape)} slot ${slot}`);
  }
  lines.push('kernels:');
  for (const k of program.kernels) {
    lines.push(`  ${k.name}  ${formatKernel(k)}   [${k.ops.join(', ')}]`);
    const inPlace = k.inPlaceOf === undefined ? '' : ` (in place of $${k.inPlaceOf})`;
    const operands = k.operands.map((v, i) => `$${i}=${formatView(v, program)}`).join(', ');
    lines.push(`    %${k.output} <- ${operands || '(no operands)'}${inPlace}`);
  }
  for (const u of program.updates)
    lines.push(`update: ${bufferName(program.buffers[u.param])} <- %${u.value}`);
  if (program.outputs.length) lines.push(`outputs: ${program.outputs.map((o) => `%${o}`).join(', ')}`);
  const m = program.memory;
  const saved = m.naiveBytes - m.peakBytes;
  const perNode =
    m.perNodeBytes === undefined ? '' : `, one buffer per graph node: ${formatBytes(m.perNodeBytes)}`;
  lines.push(
    `memory: ${m.slotBytes.length} slots, peak ${formatBytes(m.peakBytes)} (one buffer per value: ${formatBytes(m.naiveBytes)}, reuse saves ${formatBytes(saved)}${perNode})`,
  );
  return lines.join('\n');
}
