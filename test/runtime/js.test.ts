import { jsExecutor } from '../../src/runtime/js/index.js';
import { describeExecutorParity } from './parity.js';

describeExecutorParity('js', () => jsExecutor);
