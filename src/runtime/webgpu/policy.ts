/**
 * When WebGPU runs a function. `device: 'auto'` takes a hardware adapter only: a software one
 * (llvmpipe, lavapipe, SwiftShader) is slower than the CPU executor, so it is used only when asked for
 * by name (`device: 'webgpu'`). With no adapter, `'auto'` moves on and `'webgpu'` fails with the reason.
 *
 * @example
 * decideWebGpu({ ok: false, reason: 'Dawn found no WebGPU adapter' }, 'auto')
 * // { use: false, why: 'Dawn found no WebGPU adapter' }
 */
import type { GpuAcquisition, GpuContext } from './gpu.js';

export type WebGpuDecision =
  | { readonly use: true; readonly context: GpuContext; readonly detail: string }
  | { readonly use: false; readonly why: string };

/** Whether a request (`'auto'` or `'webgpu'`) runs on the adapter found, with the sentence saying why. */
export function decideWebGpu(found: GpuAcquisition, request: 'auto' | 'webgpu'): WebGpuDecision {
  if (!found.ok) return { use: false, why: found.reason };
  const { adapter } = found.context;
  if (adapter.software) {
    const name = adapter.description || adapter.device || 'the adapter';
    if (request === 'auto') {
      return {
        use: false,
        why: `no hardware adapter; ${name} is a software adapter, slower than the CPU (ask for device: 'webgpu' to use it)`,
      };
    }
    return {
      use: true,
      context: found.context,
      detail: `${adapter.summary}, as requested; a software adapter`,
    };
  }
  return { use: true, context: found.context, detail: `${adapter.summary}` };
}
