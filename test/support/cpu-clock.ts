/**
 * Runs `body` with `performance.now()` reading this process's CPU time instead of the wall clock.
 * The time-limit tests check that work stops soon after a deadline; on a loaded machine the wall clock
 * also counts the time the process waited for a core, which says nothing about the code under test
 * (those tests failed at load 12 with the wall clock). Vitest runs each test file in its own process,
 * so the CPU time is this file's own work (and V8's helper threads, which only make the limit fire sooner).
 */
import { vi } from 'vitest';

export function withCpuClock<T>(body: () => T): T {
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const spy = vi.spyOn(performance, 'now').mockImplementation(cpuMs);
  try {
    return body();
  } finally {
    spy.mockRestore();
  }
}
