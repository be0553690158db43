/**
 * The WebGPU entry of the device table (`src/runtime/devices.ts`): finds the process's adapter and
 * applies the policy of {@link decideWebGpu}.
 *
 * @example (await probeWebGpu('auto')).available // false on llvmpipe: a software adapter
 */
import type { DeviceProbe, DeviceRequest } from '../devices.js';
import { WebGpuExecutor } from './executor.js';
import { acquireGpu } from './gpu.js';
import { decideWebGpu } from './policy.js';

export async function probeWebGpu(request: DeviceRequest): Promise<DeviceProbe> {
  const decision = decideWebGpu(await acquireGpu(), request === 'auto' ? 'auto' : 'webgpu');
  return decision.use
    ? { available: true, executor: new WebGpuExecutor(decision.context), detail: decision.detail }
    : { available: false, why: decision.why };
}
