/** Reads an environment variable where there is an environment (Node), undefined in browsers. */
export function envVar(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/** True when `SATURN_DEBUG` lists `topic` (comma-separated). @example `debugEnabled('wasm')` */
export function debugEnabled(topic: string): boolean {
  return (envVar('SATURN_DEBUG') ?? '').split(',').includes(topic);
}
