import { describe, expect, it } from 'vitest';
import type { AdapterSummary, GpuContext } from '../../../src/runtime/webgpu/gpu.js';
import { decideWebGpu } from '../../../src/runtime/webgpu/policy.js';

function found(adapter: Partial<AdapterSummary>) {
  const summary: AdapterSummary = {
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    backend: 'vulkan',
    software: false,
    summary: '',
    ...adapter,
  };
  return { ok: true as const, context: { adapter: summary } as GpuContext };
}

describe('the WebGPU device policy', () => {
  const llvmpipe = found({
    description: 'llvmpipe (LLVM 15)',
    software: true,
    summary: 'llvmpipe (LLVM 15) (software, vulkan)',
  });
  const nvidia = found({
    vendor: 'nvidia',
    description: 'NVIDIA H200',
    summary: 'NVIDIA H200 (hardware, vulkan)',
  });
  const none = { ok: false as const, reason: 'Dawn found no WebGPU adapter (default: no adapter)' };

  it.each([
    ['auto', 'a hardware adapter', nvidia, true, /^NVIDIA H200 \(hardware, vulkan\)$/],
    ['webgpu', 'a hardware adapter', nvidia, true, /^NVIDIA H200/],
    [
      'auto',
      'llvmpipe',
      llvmpipe,
      false,
      /^no hardware adapter; llvmpipe \(LLVM 15\) is a software adapter, slower than the CPU/,
    ],
    ['webgpu', 'llvmpipe', llvmpipe, true, /as requested; a software adapter$/],
    ['auto', 'no adapter', none, false, /^Dawn found no WebGPU adapter/],
    ['webgpu', 'no adapter', none, false, /^Dawn found no WebGPU adapter/],
  ] as const)('%s with %s: use %s', (request, _label, acquisition, use, sentence) => {
    const decision = decideWebGpu(acquisition, request);
    expect(decision.use).toBe(use);
    expect(decision.use ? decision.detail : decision.why).toMatch(sentence);
  });
});
