/**
 * What `compile` reports: the optimizer's report, the device and why it was chosen, and for each size
 * signature lowered so far its program: the kernels with the ops each fused, and the memory plan.
 */
import type { OptimizeReport } from '../optimize.js';
import { formatReport } from '../report.js';
import type { DeviceName } from '../runtime/executor.js';
import { formatMemory } from '../runtime/profiler.js';
import type { Kernel, MemoryPlan, Program } from '../runtime/program.js';

/** One kernel as the report lists it. */
export interface KernelSummary {
  readonly name: string;
  readonly kind: Kernel['kind'];
  /** The graph ops fused into it. */
  readonly ops: readonly string[];
}

/** A program lowered for one size signature. */
export interface ProgramReport {
  /** The symbolic dims' sizes it was lowered for. */
  readonly sizes: Readonly<Record<string, number>>;
  readonly program: Program;
  readonly kernels: readonly KernelSummary[];
  readonly memory: MemoryPlan;
}

/** `f.report`. */
export interface CompiledReport {
  readonly device: DeviceName;
  readonly deviceReason: string;
  /** Absent when the graph was compiled as already optimized (`optimized: true`). */
  readonly optimize?: OptimizeReport;
  /** One per size signature run so far (or prepared at compile time when every dim was known). */
  readonly programs: readonly ProgramReport[];
  /** Readable text: device, optimizer report, and each program's kernels and memory. */
  format(): string;
}

/** Builds the report from the function's state. */
export function makeReport(state: {
  device: DeviceName;
  deviceReason: string;
  optimize?: OptimizeReport;
  programs: readonly { sizes: ReadonlyMap<string, number>; program: Program }[];
}): CompiledReport {
  const programs = state.programs.map(({ sizes, program }) => ({
    sizes: Object.fromEntries(sizes),
    program,
    kernels: program.kernels.map((k) => ({ name: k.name, kind: k.kind, ops: k.ops })),
    memory: program.memory,
  }));
  return {
    device: state.device,
    deviceReason: state.deviceReason,
    optimize: state.optimize,
    programs,
    format: () => formatCompiledReport(state.device, state.deviceReason, state.optimize, programs),
  };
}

function formatCompiledReport(
  device: DeviceName,
  reason: string,
  optimize: OptimizeReport | undefined,
  programs: readonly ProgramReport[],
): string {
  const lines = [`device   ${device}: ${reason}`];
  if (optimize) lines.push(formatReport(optimize));
  for (const p of programs) {
    const sizes = Object.entries(p.sizes)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    lines.push(`program  ${sizes || 'static shapes'}: ${formatKernelSummary(p.kernels)}`);
    lines.push(`memory   ${formatMemory(p.memory)}`);
  }
  return lines.join('\n');
}

/** `3 kernels: fused_0 (exp mul add), reduce_1 (sum)`. */
export function formatKernelSummary(kernels: readonly KernelSummary[]): string {
  const list = kernels.map((k) => `${k.name} (${k.ops.join(' ')})`).join(', ');
  return `${kernels.length} kernel${kernels.length === 1 ? '' : 's'}: ${list}`;
}
