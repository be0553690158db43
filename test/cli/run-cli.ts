/** Runs the command line in-process, capturing what it prints: the tests' one way to call `saturn`. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** The exit code and the printed text (console.log lines as `out`, console.error lines as `err`). */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
