/** Text and parsing helpers for accuracy mode on the command line. */
import { OpError } from '../graph/errors.js';
import type { AccuracyReport } from './optimize-accuracy.js';
import type { Domain } from './sample.js';

/**
 * The accuracy lines of a report: bits of error before and after per output, and the worst points before.
 *
 * @example formatAccuracy(report.accuracy, ['output']) // 'accuracy  output: 30.96 -> 0.03 bits …'
 */
export function formatAccuracy(report: AccuracyReport, names: readonly string[]): string {
  const lines = [`accuracy (bits of error, mean over ${report.samples.judge} held-out points):`];
  report.outputs.forEach((o, i) => {
    const regimes = o.regimesOn ? `, regimes on ${o.regimesOn}` : '';
    lines.push(
      `  ${names[i] ?? `output ${i}`}: ${o.bitsBefore.toFixed(2)} -> ${o.bitsAfter.toFixed(2)}${regimes}`,
    );
    for (const w of o.worst)
      lines.push(
        `    worst before: ${Object.entries(w.point)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} (${w.bits.toFixed(1)} bits)`,
      );
  });
  return lines.join('\n');
}

/**
 * Parses `--domain` values `x=LO:HI` into a domain.
 *
 * @example parseDomain(['x=1e-10:1e10']) // { x: [1e-10, 1e10] }
 */
export function parseDomain(specs: readonly string[]): Domain {
  const domain: Record<string, readonly [number, number]> = {};
  for (const spec of specs) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*([^:]+):(.+)$/.exec(spec);
    if (!m) throw new OpError(`--domain '${spec}': expected NAME=LO:HI, e.g. x=1e-10:1e10`);
    domain[m[1]] = [Number(m[2]), Number(m[3])];
  }
  return domain;
}
