/**
 * Theano-style profiles: time per op and per node, summed over runs. The reference interpreter fills
 * one when asked (`evaluate(out, inputs, { profile })`); the runtimes fill the same shape per kernel.
 */
import type { Node } from './node.js';

/** Totals for one op (or kernel) name. */
export interface ProfileRow {
  readonly name: string;
  readonly calls: number;
  readonly ms: number;
  /** Share of the total time, 0–100. */
  readonly percent: number;
}

/** A profile as data, for tools: `Profile.json()`; the runtime profiler's tables share this shape. */
export interface ProfileJson<Row extends ProfileRow = ProfileRow> {
  readonly totalMs: number;
  readonly calls: number;
  /** Most expensive first. */
  readonly rows: readonly Row[];
}

/**
 * Collects timings.
 *
 * @example
 * const profile = new Profile();
 * evaluate(out, inputs, { profile });
 * console.log(profile.format());
 */
export class Profile {
  private readonly byOp = new Map<string, { calls: number; ms: number }>();
  private totalMs = 0;

  /** Adds one timed evaluation of `node` (or of a kernel, by name). */
  record(node: Node | string, ms: number): void {
    const name = typeof node === 'string' ? node : node.op;
    const row = this.byOp.get(name) ?? { calls: 0, ms: 0 };
    row.calls++;
    row.ms += ms;
    this.byOp.set(name, row);
    this.totalMs += ms;
  }

  get total(): number {
    return this.totalMs;
  }

  /** Rows sorted by time, most expensive first. */
  rows(): ProfileRow[] {
    return [...this.byOp]
      .map(([name, r]) => ({
        name,
        calls: r.calls,
        ms: r.ms,
        percent: this.totalMs > 0 ? (100 * r.ms) / this.totalMs : 0,
      }))
      .sort((a, b) => b.ms - a.ms);
  }

  /** The rows and totals as data. */
  json(): ProfileJson {
    const rows = this.rows();
    return { totalMs: this.totalMs, calls: rows.reduce((n, r) => n + r.calls, 0), rows };
  }

  /** A readable table: op, calls, ms, percent. */
  format(title = 'profile'): string {
    const rows = this.rows();
    const width = Math.max(4, ...rows.map((r) => r.name.length));
    const lines = [
      `${title}: ${this.totalMs.toFixed(3)} ms in ${rows.reduce((n, r) => n + r.calls, 0)} op calls`,
      `  ${'op'.padEnd(width)}  ${'calls'.padStart(6)}  ${'ms'.padStart(9)}  ${'%'.padStart(5)}`,
      ...rows.map(
        (r) =>
          `  ${r.name.padEnd(width)}  ${String(r.calls).padStart(6)}  ${r.ms.toFixed(3).padStart(9)}  ${r.percent.toFixed(1).padStart(5)}`,
      ),
    ];
    return lines.join('\n');
  }
}
