/**
 * The WebGPU test files' shared adapter. Locally, without an adapter, they skip with the reason; in CI
 * (`CI` set) a missing adapter fails the run, so the software adapter installed by `.ci/run` is
 * really exercised and never silently skipped.
 */
import { acquireGpu, type GpuContext } from '../../../src/runtime/webgpu/gpu.js';

const found = await acquireGpu();

if (!found.ok) {
  if (process.env.CI) throw new Error(`CI is set but WebGPU found no adapter: ${found.reason}`);
  console.warn(`skipping WebGPU tests: ${found.reason}`);
}

/** True when there is no adapter (tests skip; only possible outside CI). */
export const noGpu = !found.ok;

/** The shared context; only read inside tests that are skipped when {@link noGpu}. */
export function gpuContext(): GpuContext {
  if (!found.ok) throw new Error(found.reason);
  return found.context;
}
