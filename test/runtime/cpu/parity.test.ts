import { afterAll } from 'vitest';
import { CpuExecutor, closeCpuPool } from '../../../src/runtime/cpu/executor.js';
import { describeExecutorParity } from '../parity.js';

afterAll(() => closeCpuPool());

describeExecutorParity('cpu (1 thread)', () => new CpuExecutor({ threads: 1 }));
describeExecutorParity('cpu (2 threads)', () => new CpuExecutor({ threads: 2 }));
