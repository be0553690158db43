/**
 * Shader specs and the pipeline cache. A spec is plain data holding everything a generated shader
 * depends on; the shader is built from it and the cache key is its JSON, so the key cannot miss a
 * parameter the code depends on. Pipelines are cached per device for the life of the process, so a
 * second `compile()` of the same graph creates no shader. `SATURN_DEBUG=wgsl` prints every new shader
 * with its kernel's name. Compilation errors come back with the offending WGSL line.
 */
import { type ElementwiseSpec, elementwiseShader } from './kernels/elementwise.js';
import { type MatmulSpec, matmulShader } from './kernels/matmul.js';
import { type ReduceSpec, reduceShader } from './kernels/reduce.js';
import { type SoftmaxSpec, softmaxShader } from './kernels/softmax.js';
import { type ArgReduceSpec, argReduceShader } from './kernels/argreduce.js';
import { WebGpuShaderError } from './errors.js';
import { printModule, type ShaderModule } from './wgsl.js';

export type ShaderSpec = ElementwiseSpec | ReduceSpec | MatmulSpec | SoftmaxSpec | ArgReduceSpec;

/** The typed WGSL tree of a spec. */
export function shaderOf(spec: ShaderSpec): ShaderModule {
  switch (spec.kind) {
    case 'elementwise':
      return elementwiseShader(spec);
    case 'reduce':
      return reduceShader(spec);
    case 'matmul':
      return matmulShader(spec);
    case 'softmax':
      return softmaxShader(spec);
    case 'argreduce':
      return argReduceShader(spec);
  }
}

/** The cache key: the spec itself, serialized (specs are built with a fixed key order). */
export function specKey(spec: ShaderSpec): string {
  return JSON.stringify(spec);
}

export interface CompiledPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly wgsl: string;
  /** Storage bindings before the uniform block. */
  readonly storageCount: number;
  readonly hasUniforms: boolean;
}

interface Cache {
  readonly pipelines: Map<string, Promise<CompiledPipeline>>;
  hits: number;
  misses: number;
}

const CACHES = new WeakMap<GPUDevice, Cache>();

function cacheOf(device: GPUDevice): Cache {
  let cache = CACHES.get(device);
  if (cache === undefined) {
    cache = { pipelines: new Map(), hits: 0, misses: 0 };
    CACHES.set(device, cache);
  }
  return cache;
}

/** Hits and misses of the device's pipeline cache since the device was opened. */
export function pipelineCacheStats(device: GPUDevice): {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
} {
  const cache = cacheOf(device);
  return { hits: cache.hits, misses: cache.misses, size: cache.pipelines.size };
}

/** True when `SATURN_DEBUG` asks for WGSL (`wgsl`, or a list containing it). */
export function debugWgsl(): boolean {
  const flags = (typeof process !== 'undefined' ? process.env.SATURN_DEBUG : undefined) ?? '';
  return flags.split(/[,\s]+/).includes('wgsl');
}

/** The pipeline of a spec, compiled on first request; `name` labels it in messages and debug output. */
export function pipelineFor(
  device: GPUDevice,
  spec: ShaderSpec,
  name: string,
  debug = false,
): Promise<CompiledPipeline> {
  const cache = cacheOf(device);
  const key = specKey(spec);
  const found = cache.pipelines.get(key);
  if (found !== undefined) {
    cache.hits++;
    return found;
  }
  cache.misses++;
  const compiled = compile(device, spec, name, debug);
  cache.pipelines.set(key, compiled);
  // A failed compilation must not stay cached: the next attempt reports the error again.
  compiled.catch(() => cache.pipelines.delete(key));
  return compiled;
}

async function compile(
  device: GPUDevice,
  spec: ShaderSpec,
  name: string,
  debug: boolean,
): Promise<CompiledPipeline> {
  const shader = shaderOf(spec);
  const wgsl = printModule(shader);
  if (debug || debugWgsl()) console.log(`// ---- WGSL for kernel ${name} (${spec.kind})\n${wgsl}`);
  const module = await createShader(device, wgsl, name);
  device.pushErrorScope('validation');
  const entries: GPUBindGroupLayoutEntry[] = shader.storage.map((b, i) => ({
    binding: i,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
  }));
  if (shader.uniformVec4s > 0) {
    entries.push({
      binding: shader.storage.length,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'uniform' },
    });
  }
  const layout = device.createBindGroupLayout({ entries, label: name });
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
      label: name,
    });
  } catch (e) {
    await device.popErrorScope();
    throw new WebGpuShaderError(
      `kernel ${name}: pipeline rejected: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const error = await device.popErrorScope();
  if (error !== null) throw new WebGpuShaderError(`kernel ${name}: ${error.message}`);
  return {
    pipeline,
    layout,
    wgsl,
    storageCount: shader.storage.length,
    hasUniforms: shader.uniformVec4s > 0,
  };
}

/**
 * A shader module of `wgsl`; a compilation error throws {@link WebGpuShaderError} quoting each
 * offending line, e.g. `kernel k: WGSL did not compile:\n  line 3: unresolved value 'y'\n    y + 1`.
 */
export async function createShader(device: GPUDevice, wgsl: string, name: string): Promise<GPUShaderModule> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: wgsl, label: name });
  const info = await module.getCompilationInfo();
  await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0)
    throw new WebGpuShaderError(`kernel ${name}: WGSL did not compile:\n${describe(errors, wgsl)}`);
  return module;
}

/** Each message with its line number and the WGSL line it points at. */
function describe(messages: readonly GPUCompilationMessage[], wgsl: string): string {
  const lines = wgsl.split('\n');
  return messages
    .map((m) => `  line ${m.lineNum}: ${m.message}\n    ${(lines[m.lineNum - 1] ?? '').trim()}`)
    .join('\n');
}
