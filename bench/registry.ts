/**
 * A benchmark suite: a name for the command line and a run that prints a table and returns JSON-able
 * data. `run` may return a Promise (suites that time asynchronous executors: workers, WebGPU).
 */
export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(log: (line: string) => void): unknown;
}

const suites = new Map<string, BenchSuite>();

/**
 * Registers a suite under its name (one file per suite calls this at import).
 *
 * @example `registerSuite({ name: 'egraph', description: 'egg math', run: (log) => ({}) })`
 */
export function registerSuite(suite: BenchSuite): void {
  if (suites.has(suite.name)) throw new Error(`bench suite '${suite.name}' registered twice`);
  suites.set(suite.name, suite);
}

/** Registered suites in registration order. @example `registeredSuites().map((s) => s.name)` */
export function registeredSuites(): BenchSuite[] {
  return [...suites.values()];
}

/** Pads cells into an aligned text table. @example `formatTable([['a', 'b'], ['1', '2']])` */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
