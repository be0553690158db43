/**
 * The WebGPU executor's errors. Each names what failed: the adapter search, the dtype refused, the
 * kernel whose shader or dispatch was rejected (with the WGSL line), or the device that was lost.
 */
import { SaturnError } from '../../graph/errors.js';

/** No WebGPU adapter could be found, or Dawn could not be loaded. `reason` says which. */
export class WebGpuUnavailableError extends SaturnError {
  override name = 'WebGpuUnavailableError';
}

/** The program uses what WebGPU cannot run (f64, i64): refused at prepare time, never downcast. */
export class WebGpuUnsupportedError extends SaturnError {
  override name = 'WebGpuUnsupportedError';
}

/** A shader failed to compile or a pipeline/dispatch failed validation; the message quotes the WGSL line. */
export class WebGpuShaderError extends SaturnError {
  override name = 'WebGpuShaderError';
}

/** The device was lost (driver reset, `destroy()`); calls on programs prepared on it fail with this. */
export class WebGpuDeviceLostError extends SaturnError {
  override name = 'WebGpuDeviceLostError';
}
