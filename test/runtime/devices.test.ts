import { describe, expect, it } from 'vitest';
import { type DeviceEntry, DeviceError, DEVICES, selectDevice } from '../../src/runtime/devices.js';
import type { Executor } from '../../src/runtime/executor.js';
import { jsExecutor } from '../../src/runtime/js/executor.js';

const fake = (name: 'cpu' | 'webgpu', preference: number, why?: string): DeviceEntry => ({
  name,
  preference,
  probe: async () =>
    why
      ? { available: false, why }
      : { available: true, executor: { ...jsExecutor, name } as unknown as Executor, detail: `${name} here` },
});

describe('selectDevice', () => {
  it('has js built in, always available', async () => {
    expect(DEVICES.map((d) => d.name)).toContain('js');
    const choice = await selectDevice('js');
    expect(choice.executor).toBe(jsExecutor);
    expect(choice.reason).toBe(
      'requested: js (generated JavaScript on the calling thread, available everywhere)',
    );
  });

  it('auto takes the most preferred available device and says why it passed the others over', async () => {
    const table = [DEVICES.find((d) => d.name === 'js')!, fake('cpu', 1), fake('webgpu', 2, 'no adapter')];
    const choice = await selectDevice('auto', table);
    expect(choice.executor.name).toBe('cpu');
    expect(choice.reason).toBe('auto: cpu (cpu here); passed over webgpu: no adapter');
  });

  it('refuses unknown and unavailable devices with the reason', async () => {
    await expect(selectDevice('webgpu', [fake('webgpu', 2, 'no adapter')])).rejects.toThrow(
      new DeviceError("device 'webgpu' is not available here: no adapter"),
    );
    await expect(selectDevice('cpu', [fake('webgpu', 2)])).rejects.toThrow(
      "device 'cpu' is not built into this version (devices: webgpu, or 'auto')",
    );
    await expect(selectDevice('auto', [fake('webgpu', 2, 'no adapter')])).rejects.toThrow(
      'no device is available (webgpu: no adapter)',
    );
  });

  it('auto passes over a device that cannot run one of the graph dtypes, and says so', async () => {
    const f32Only: DeviceEntry = {
      name: 'webgpu',
      preference: 2,
      probe: async () => ({
        available: true,
        executor: {
          ...jsExecutor,
          name: 'webgpu',
          capabilities: { ...jsExecutor.capabilities, dtypes: ['f32', 'i32', 'bool'] },
        } as unknown as Executor,
        detail: 'a GPU',
      }),
    };
    const table = [fake('cpu', 1), f32Only];
    expect((await selectDevice('auto', table, ['f32'])).executor.name).toBe('webgpu');
    const choice = await selectDevice('auto', table, ['f32', 'f64']);
    expect(choice.executor.name).toBe('cpu');
    expect(choice.reason).toBe(
      'auto: cpu (cpu here); passed over webgpu: it runs f32, i32, bool and the graph has f64',
    );
  });
});
