/** The portable JavaScript executor (`device: 'js'`). */
export { compiledKernelCount, JsExecutor, jsExecutor, JsPreparedProgram } from './executor.js';
export {
  generateSource,
  kernelPlan,
  type KernelPlan,
  type KernelSource,
  type KernelSpec,
} from './kernel-source.js';
