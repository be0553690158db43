/**
 * The run-time profiler (Theano's `profile=True`): where a compiled function's time goes. It counts
 * calls and time in `run`, splits it into kernel time and overhead (binding, checks, reads), keeps the
 * compile time by phase, and tables by kernel and by op class built on the interpreter's `Profile`, so
 * both share one report shape (`ProfileJson`).
 */
import { byteSize } from '../graph/dtype.js';
import { Profile, type ProfileJson, type ProfileRow } from '../graph/profile.js';
import type { DeviceName, KernelTiming } from './executor.js';
import { formatBytes } from './format.js';
import type { Kernel, MemoryPlan, Program } from './program.js';

/** The phases of compilation, in order. */
export const COMPILE_PHASES = ['optimize', 'lower', 'codegen', 'prepare'] as const;
export type CompilePhase = (typeof COMPILE_PHASES)[number];

/** One kernel's totals: the interpreter's row plus what fused, how much memory it moved and how fast. */
export interface KernelProfileRow extends ProfileRow {
  readonly kind: Kernel['kind'];
  /** Share of the kernel time of this row and every row above it, 0–100. */
  readonly cumulativePercent: number;
  readonly ops: readonly string[];
  /** Bytes read and written per call (a broadcast operand counts once per distinct element). */
  readonly bytes: number;
  readonly gbPerSecond: number;
}

/** `profile.json()`: everything `report()` prints, as data. */
export interface RuntimeProfileJson {
  /** Where every kernel ran. */
  readonly device: DeviceName;
  readonly calls: number;
  readonly runMs: number;
  readonly kernelMs: number;
  readonly overheadMs: number;
  readonly compileMs: Readonly<Record<CompilePhase, number>>;
  /** False when the executor does not time code generation: it is then counted in `prepare`. */
  readonly codegenTimed: boolean;
  readonly kernels: ProfileJson<KernelProfileRow>;
  readonly opClasses: ProfileJson;
  readonly memory?: {
    readonly peakBytes: number;
    readonly naiveBytes: number;
    readonly savedBytes: number;
    /** One buffer per graph node (no fusion, no reuse), when the lowering reports it. */
    readonly perNodeBytes?: number;
  };
}

/**
 * Collects a compiled function's profile; `compile(…, { profile: true })` gives one as `f.profile`.
 *
 * @example
 * const f = await compile({ inputs: [x], outputs: [y], profile: true });
 * await f.run({ x: data });
 * console.log(f.profile!.report());
 */
export class RuntimeProfile {
  constructor(
    /** The device the function's kernels run on. */
    readonly device: DeviceName,
  ) {}

  private calls = 0;
  private runMs = 0;
  private readonly compileMs: Record<CompilePhase, number> = {
    optimize: 0,
    lower: 0,
    codegen: 0,
    prepare: 0,
  };
  private readonly kernels = new Profile();
  private readonly opClasses = new Profile();
  private readonly info = new Map<string, { kind: Kernel['kind']; ops: readonly string[]; bytes: number }>();
  private memory?: MemoryPlan;

  /** False while the executor has not timed its code generation apart from the rest of prepare. */
  private codegenTimed = false;

  /** Adds compile time to a phase (lowering and preparing happen once per size signature). */
  addCompileTime(phase: CompilePhase, ms: number): void {
    this.compileMs[phase] += ms;
    if (phase === 'codegen') this.codegenTimed = true;
  }

  /** Records one call: its total time in `run` and the executor's per-kernel timings. */
  recordRun(program: Program, totalMs: number, timings: readonly KernelTiming[]): void {
    this.calls++;
    this.runMs += totalMs;
    this.memory = program.memory;
    for (const t of timings) {
      const kernel = program.kernels[t.kernel];
      this.kernels.record(kernel.name, t.ms);
      this.opClasses.record(kernel.kind, t.ms);
      if (!this.info.has(kernel.name))
        this.info.set(kernel.name, {
          kind: kernel.kind,
          ops: kernel.ops,
          bytes: bytesMoved(program, kernel),
        });
    }
  }

  /** The profile as data. */
  json(): RuntimeProfileJson {
    const kernels = this.kernels.json();
    let cumulative = 0;
    const rows = kernels.rows.map((r): KernelProfileRow => {
      const info = this.info.get(r.name)!;
      cumulative += r.percent;
      const seconds = r.ms / 1000;
      return {
        ...r,
        kind: info.kind,
        cumulativePercent: cumulative,
        ops: info.ops,
        bytes: info.bytes,
        gbPerSecond: seconds > 0 ? (info.bytes * r.calls) / seconds / 1e9 : 0,
      };
    });
    const memory = this.memory && {
      peakBytes: this.memory.peakBytes,
      naiveBytes: this.memory.naiveBytes,
      savedBytes: this.memory.naiveBytes - this.memory.peakBytes,
      perNodeBytes: this.memory.perNodeBytes,
    };
    return {
      device: this.device,
      calls: this.calls,
      runMs: this.runMs,
      kernelMs: kernels.totalMs,
      overheadMs: Math.max(0, this.runMs - kernels.totalMs),
      compileMs: { ...this.compileMs },
      codegenTimed: this.codegenTimed,
      kernels: { ...kernels, rows },
      opClasses: this.opClasses.json(),
      memory,
    };
  }

  /** The profile as text: totals, compile phases, the kernel table, the op-class table, memory. */
  report(): string {
    const p = this.json();
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    const pct = (v: number) => `${v.toFixed(1)}%`;
    const share = (v: number) => (p.runMs > 0 ? pct((100 * v) / p.runMs) : '-');
    const perCall = p.calls > 0 ? p.runMs / p.calls : 0;
    const compileTotal = COMPILE_PHASES.reduce((s, k) => s + p.compileMs[k], 0);
    const lines = [
      `calls      ${p.calls} on ${p.device}, ${ms(p.runMs)} in run (${ms(perCall)} per call)`,
      `kernels    ${ms(p.kernelMs)} (${share(p.kernelMs)}), overhead ${ms(p.overheadMs)} (${share(p.overheadMs)})`,
      `compile    ${COMPILE_PHASES.filter((k) => k !== 'codegen' || p.codegenTimed)
        .map(
          (k) =>
            `${k} ${p.compileMs[k].toFixed(1)}${k === 'prepare' && !p.codegenTimed ? ' (codegen included)' : ''}`,
        )
        .join(', ')}; total ${compileTotal.toFixed(1)} ms`,
      '',
      'by kernel',
      table(
        ['kernel', 'ms', '%', 'cum %', 'calls', 'bytes', 'GB/s', 'ops fused'],
        p.kernels.rows.map((r) => [
          r.name,
          r.ms.toFixed(3),
          r.percent.toFixed(1),
          r.cumulativePercent.toFixed(1),
          String(r.calls),
          formatBytes(r.bytes),
          r.gbPerSecond.toFixed(2),
          r.ops.join(' '),
        ]),
      ),
      '',
      'by op class',
      table(
        ['class', 'ms', '%', 'calls'],
        p.opClasses.rows.map((r) => [r.name, r.ms.toFixed(3), r.percent.toFixed(1), String(r.calls)]),
      ),
    ];
    if (this.memory) lines.push('', `memory     ${formatMemory(this.memory)}`);
    return lines.join('\n');
  }
}

/** Bytes a kernel reads and writes once: distinct elements of each operand view, plus its output. */
export function bytesMoved(program: Program, kernel: Kernel): number {
  let bytes = program.buffers[kernel.output].size * byteSize(program.buffers[kernel.output].dtype);
  for (const view of kernel.operands) {
    let elements = 1;
    for (let i = 0; i < view.shape.length; i++) if (view.strides[i] !== 0) elements *= view.shape[i];
    bytes += elements * byteSize(view.dtype);
  }
  return bytes;
}

/**
 * The memory plan in one line: the peak against one buffer per value of the program and, when the
 * lowering reports it, against one buffer per graph node.
 *
 * @example formatMemory(program.memory) // 'peak 3.1 MiB with reuse; one buffer per value 3.4 MiB (92%); …'
 */
export function formatMemory(memory: MemoryPlan): string {
  const share = (base: number) => (base > 0 ? `${((100 * memory.peakBytes) / base).toFixed(0)}%` : '-');
  const perNode =
    memory.perNodeBytes === undefined
      ? ''
      : `; one buffer per graph node ${formatBytes(memory.perNodeBytes)} (${share(memory.perNodeBytes)})`;
  return `peak ${formatBytes(memory.peakBytes)} with reuse; one buffer per value ${formatBytes(memory.naiveBytes)} (${share(memory.naiveBytes)})${perNode}`;
}

/** Left-aligned text columns, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const last = header.length - 1;
  return all
    .map(
      (r) =>
        '  ' +
        r
          .map((cell, c) => (c === 0 || c === last ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}
