/// <reference types="@webgpu/types" />
/**
 * The process's one WebGPU device. In a browser it comes from `navigator.gpu`; in Node from Dawn (the
 * `webgpu` package). Dawn ties the lifetime of every adapter, device and buffer to the object its
 * `create()` returned: if that object is garbage-collected, Dawn fails later at random (futex errors,
 * mutex assertions, SIGSEGV, hangs). This module therefore keeps every `create()` result in a
 * module-level array for the life of the process, and every {@link GpuContext} points at its own
 * as well, so nothing that holds a device can outlive the object that owns it.
 *
 * @example
 * const found = await acquireGpu();
 * if (found.ok) console.log(found.context.adapter.summary); // 'llvmpipe (software, vulkan)'
 */
import { WebGpuDeviceLostError } from './errors.js';

/** What is known of the adapter, for reports and the device policy. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Dawn's backend ('vulkan', 'opengl', …), or 'browser'. */
  readonly backend: string;
  /** A CPU rasterizer (llvmpipe, lavapipe, SwiftShader) or an adapter flagged as fallback. */
  readonly software: boolean;
  /** One line: `llvmpipe (software, vulkan)`. */
  readonly summary: string;
}

/** A ready device with what the executor needs to know of it. */
export interface GpuContext {
  /** The object Dawn's `create()` returned (or `navigator.gpu`): held so it outlives the device. */
  readonly gpu: GPU;
  readonly adapter: AdapterSummary;
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  /** `timestamp-query` was granted: the profiler times each kernel on the GPU. */
  readonly timestamps: boolean;
  /** Set once the device is lost, with Dawn's message; every later call fails with it. */
  lost?: string;
}

export type GpuAcquisition =
  { readonly ok: true; readonly context: GpuContext } | { readonly ok: false; readonly reason: string };

/**
 * Every `create()` result of this process. Never emptied: Dawn must not see these collected while any
 * adapter, device or buffer made from them exists, and a process has only a handful. The array hangs
 * off `globalThis`, so a second instance of this module (a test runner's module reset, a bundle with
 * two copies) cannot drop the first one's objects.
 */
const HELD: GPU[] = ((globalThis as Record<symbol, GPU[]>)[Symbol.for('saturn.webgpu.held')] ??= []);

let current: Promise<GpuAcquisition> | undefined;

/** Backends tried in order in Node. Override with `SATURN_WEBGPU_BACKEND=vulkan|opengl|…`. */
const NODE_BACKENDS: readonly { readonly backend: string; readonly compat: boolean }[] = [
  { backend: 'default', compat: false },
  // Stock Mesa's llvmpipe through EGL: compatibility limits, no timestamp queries.
  { backend: 'opengl', compat: true },
];

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

/**
 * The process's device, created on first call and shared afterwards. After a device loss the next
 * call creates a new one. Never throws: a missing adapter is `{ ok: false, reason }`.
 */
export function acquireGpu(): Promise<GpuAcquisition> {
  if (current === undefined) {
    current = openDevice().catch((e: unknown) => ({
      ok: false as const,
      reason: `WebGPU could not be started: ${e instanceof Error ? e.message : String(e)}`,
    }));
  }
  return current;
}

/** Throws the loss message when the context's device is gone. */
export function assertAlive(context: GpuContext): void {
  if (context.lost !== undefined) throw new WebGpuDeviceLostError(`WebGPU device lost: ${context.lost}`);
}

async function openDevice(): Promise<GpuAcquisition> {
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (navigatorGpu !== undefined) {
    const adapter = await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { ok: false, reason: 'navigator.gpu found no adapter' };
    return { ok: true, context: await openOn(navigatorGpu, adapter, 'browser') };
  }
  const dawn = await loadDawn();
  if (typeof dawn === 'string') return { ok: false, reason: dawn };
  const wanted = process.env.SATURN_WEBGPU_BACKEND;
  const tries = wanted ? [{ backend: wanted, compat: wanted === 'opengl' }] : NODE_BACKENDS;
  const failures: string[] = [];
  for (const { backend, compat } of tries) {
    if (backend === 'opengl' && process.env.EGL_PLATFORM === undefined) {
      // Without a display, Mesa's EGL needs the surfaceless platform to offer llvmpipe.
      process.env.EGL_PLATFORM = 'surfaceless';
    }
    const gpu = dawn.create(backend === 'default' ? [] : [`backend=${backend}`]);
    HELD.push(gpu);
    const adapter = await gpu.requestAdapter(
      compat ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' },
    );
    if (adapter !== null) return { ok: true, context: await openOn(gpu, adapter, backend) };
    failures.push(`${backend}: no adapter`);
  }
  return { ok: false, reason: `Dawn found no WebGPU adapter (${failures.join('; ')})` };
}

interface Dawn {
  create(options: string[]): GPU;
  globals: object;
}

async function loadDawn(): Promise<Dawn | string> {
  try {
    const dawn = (await import('webgpu')) as Dawn;
    // GPUBufferUsage, GPUMapMode, … are globals in a browser; Dawn hands them over as an object.
    Object.assign(globalThis, dawn.globals);
    return dawn;
  } catch (e) {
    return `the 'webgpu' package (Dawn) could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function openOn(gpu: GPU, adapter: GPUAdapter, backend: string): Promise<GpuContext> {
  const requiredLimits: Record<string, number> = {};
  // The defaults are far below what adapters offer (256 invocations per workgroup where llvmpipe has
  // 1024, 8 storage buffers where it has 16): ask for everything the adapter has.
  for (const key in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const timestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: timestamps ? ['timestamp-query'] : [],
  });
  const context: GpuContext = {
    gpu,
    adapter: summarize(adapter, backend),
    device,
    limits: device.limits,
    timestamps,
  };
  void device.lost.then((info) => {
    context.lost = `${info.reason}: ${info.message}`;
    // The next acquireGpu() opens a fresh device; programs prepared on this one fail cleanly.
    if (current !== undefined) current = undefined;
  });
  return context;
}

function summarize(adapter: GPUAdapter, backend: string): AdapterSummary {
  const info = adapter.info;
  const flagged =
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  const software = flagged || SOFTWARE_NAMES.test(text);
  const name = info.description || info.device || info.architecture || info.vendor || 'unknown adapter';
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    backend,
    software,
    summary: `${name} (${software ? 'software' : 'hardware'}, ${backend})`,
  };
}
