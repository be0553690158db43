/**
 * Device selection: one table entry per executor. `compile({ device })` asks for one by name or for
 * `'auto'`, the most preferred one available here; the choice comes with a reason for the report.
 * The CPU (WebAssembly SIMD on workers) and WebGPU executors each add one entry to `DEVICES`.
 */
import type { DType } from '../graph/dtype.js';
import { SaturnError } from '../graph/errors.js';
import type { DeviceName, Executor } from './executor.js';
import { jsExecutor } from './js/executor.js';

/** What `compile` accepts as `device`. */
export type DeviceRequest = DeviceName | 'auto';

/** The outcome of probing a device on this machine. */
export type DeviceProbe =
  | { readonly available: true; readonly executor: Executor; readonly detail: string }
  | { readonly available: false; readonly why: string };

/** One executor in the table. */
export interface DeviceEntry {
  readonly name: DeviceName;
  /** `'auto'` tries entries from the highest preference down. */
  readonly preference: number;
  /**
   * Whether this machine can run the executor (loading it if so); called once per compile. `request`
   * is `'auto'` or the entry's own name: an entry may decline `'auto'` and still serve a request by
   * name (WebGPU on a software adapter).
   */
  probe(request: DeviceRequest): Promise<DeviceProbe>;
}

/** The executors built into this version, the portable fallback last. */
export const DEVICES: readonly DeviceEntry[] = [
  {
    name: 'js',
    preference: 0,
    probe: async () => ({
      available: true,
      executor: jsExecutor,
      detail: 'generated JavaScript on the calling thread, available everywhere',
    }),
  },
  {
    name: 'cpu',
    preference: 1,
    probe: async () => {
      const { CpuExecutor, cpuAvailability, loadCpuPlatform } = await import('./cpu/executor.js');
      const why = cpuAvailability();
      if (why) return { available: false, why };
      await loadCpuPlatform();
      return {
        available: true,
        executor: new CpuExecutor(),
        detail: 'WebAssembly SIMD kernels on worker threads',
      };
    },
  },
  {
    name: 'webgpu',
    preference: 2,
    // Loaded on demand: Dawn is a native module, started only when a compile asks for a device.
    probe: async (request) => (await import('./webgpu/device-entry.js')).probeWebGpu(request),
  },
];

/** The chosen executor and why it was chosen. */
export interface DeviceChoice {
  readonly executor: Executor;
  readonly reason: string;
}

/** A device that is unknown or cannot run here; the message says why. */
export class DeviceError extends SaturnError {
  override name = 'DeviceError';
}

/**
 * Picks the executor for a request: the named one if it is available, or under `'auto'` the most
 * preferred available one that runs every dtype in `dtypes`, with the reasons the better ones were
 * passed over.
 *
 * @example (await selectDevice('auto')).reason // 'auto: js (generated JavaScript …)'
 */
export async function selectDevice(
  request: DeviceRequest,
  table: readonly DeviceEntry[] = DEVICES,
  dtypes: readonly DType[] = [],
): Promise<DeviceChoice> {
  if (request === 'auto') {
    const skipped: string[] = [];
    for (const entry of [...table].sort((a, b) => b.preference - a.preference)) {
      const probe = await entry.probe('auto');
      // Under 'auto' a device that cannot run one of the graph's dtypes is passed over (the next one
      // runs it, and the reason says so); asked for by name, compile refuses the graph instead.
      const missing = probe.available
        ? dtypes.filter((d) => !probe.executor.capabilities.dtypes.includes(d))
        : [];
      if (probe.available && missing.length > 0) {
        skipped.push(
          `${entry.name}: it runs ${probe.executor.capabilities.dtypes.join(', ')} and the graph has ${missing.join(', ')}`,
        );
        continue;
      }
      if (probe.available) {
        const passed = skipped.length ? `; passed over ${skipped.join('; ')}` : '';
        return { executor: probe.executor, reason: `auto: ${entry.name} (${probe.detail})${passed}` };
      }
      skipped.push(`${entry.name}: ${probe.why}`);
    }
    throw new DeviceError(`no device is available (${skipped.join('; ')})`);
  }
  const entry = table.find((e) => e.name === request);
  if (!entry)
    throw new DeviceError(
      `device '${String(request)}' is not built into this version (devices: ${table.map((e) => e.name).join(', ')}, or 'auto')`,
    );
  const probe = await entry.probe(request);
  if (!probe.available) throw new DeviceError(`device '${request}' is not available here: ${probe.why}`);
  return { executor: probe.executor, reason: `requested: ${entry.name} (${probe.detail})` };
}
