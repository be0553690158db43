/**
 * Single-threaded NumPy as a peer in the cpu benchmark: a Python process (numpy-steps.py) that runs
 * the training steps one at a time when asked, so they interleave with Saturn's like the in-process
 * contenders. NumPy cannot run inside Node; the step's time is measured in Python around the step
 * alone, so the pipe's round trip does not count against NumPy.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Wall and CPU milliseconds of one step, measured by the peer: a contender that returns one is timed
 * by it instead of by the caller's clock (a class, so it cannot be mistaken for a step's result).
 */
export class PeerTiming {
  constructor(
    readonly wall: number,
    readonly cpu: number,
  ) {}
}

/** A running NumPy peer: `step` runs one training step there; `close` ends the process. */
export interface NumpyPeer {
  readonly version: string;
  step(name: 'logreg' | 'mlp'): Promise<PeerTiming>;
  close(): void;
}

// The benchmarks run from dist-bench/bench/; the script stays in the source folder.
const SCRIPT = fileURLToPath(new URL('../../bench/numpy-steps.py', import.meta.url));

/**
 * Starts the peer, or says why it cannot (no python3, no NumPy): the benchmark then leaves NumPy out,
 * as the issue asks ("where it is installed").
 */
export async function startNumpyPeer(): Promise<NumpyPeer | { readonly missing: string }> {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(process.env.SATURN_BENCH_PYTHON ?? 'python3', [SCRIPT]);
  } catch (e) {
    return { missing: (e as Error).message };
  }
  const lines = createInterface({ input: child.stdout });
  const pending: ((line: string | undefined) => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  lines.on('line', (line) => pending.shift()?.(line));
  // A peer that dies (or never starts) answers every waiting request with undefined.
  const ended = () => pending.splice(0).forEach((resolve) => resolve(undefined));
  child.on('error', (e) => ((stderr += e.message), ended()));
  child.on('close', ended);
  const next = () => new Promise<string | undefined>((resolve) => pending.push(resolve));
  const ready = await next();
  if (!ready?.startsWith('ready ')) {
    child.kill();
    return { missing: (stderr.trim().split('\n').pop() ?? '') || 'python3 did not start' };
  }
  return peer(child, lines, next, ready.slice('ready '.length), () => stderr);
}

function peer(
  child: ChildProcessWithoutNullStreams,
  lines: Interface,
  next: () => Promise<string | undefined>,
  version: string,
  stderr: () => string,
): NumpyPeer {
  return {
    version,
    async step(name) {
      const answer = next();
      child.stdin.write(`${name}\n`);
      const line = await answer;
      const [wall, cpu] = (line ?? '').split(' ').map(Number);
      if (!(wall >= 0 && cpu >= 0)) throw new Error(`numpy peer, step ${name}: ${line ?? stderr()}`);
      return new PeerTiming(wall, cpu);
    },
    close() {
      lines.close();
      child.stdin.end();
      child.kill();
    },
  };
}
