/**
 * The command line, cold: wall time of `saturn optimize "log(1 + exp(x))" --var x:f32[n]` in fresh
 * processes, next to a bare `node -e 0` run the same way (Node's own start-up, which no change to
 * Saturn can remove), interleaved so that a load change on the machine hits both alike. Issue 12's goal
 * is under 300 ms wall on an idle machine.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTable } from './registry.js';

/** The command timed, as a user types it after `npx saturn`. */
export const CLI_COLD_ARGS: readonly string[] = ['optimize', 'log(1 + exp(x))', '--var', 'x:f32[n]'];

/** Median and range of wall ms. */
export interface WallSpread {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function spread(times: number[]): WallSpread {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)],
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  };
}

function wallMs(args: readonly string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, args, { encoding: 'utf8' });
  return performance.now() - t;
}

/**
 * Times the CLI and bare Node in `runs` interleaved pairs of fresh processes, and logs a table.
 *
 * @example cliCold(console.log, 7).saturn.medianMs
 */
export function cliCold(
  log: (line: string) => void,
  runs = 7,
): { saturn: WallSpread; node: WallSpread; runs: number } {
  // The bundled CLI of the bench's build (scripts/bundle.mjs), as `npx saturn` runs it.
  const cli = fileURLToPath(new URL('../bundle/cli.js', import.meta.url));
  const saturn: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    saturn.push(wallMs([cli, ...CLI_COLD_ARGS]));
    node.push(wallMs(['-e', '0']));
  }
  const result = { saturn: spread(saturn), node: spread(node), runs };
  const row = (name: string, s: WallSpread) => [
    name,
    `${s.medianMs.toFixed(0)} [${s.minMs.toFixed(0)}..${s.maxMs.toFixed(0)}]`,
  ];
  log('');
  log(
    `command line, cold: wall ms of fresh processes, median [min..max] of ${runs} interleaved runs (goal: saturn < 300 ms idle)`,
  );
  log(
    formatTable([
      ['command', 'wall ms'],
      row(`saturn ${CLI_COLD_ARGS.join(' ')}`, result.saturn),
      row('node -e 0', result.node),
    ]),
  );
  return result;
}
