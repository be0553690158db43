import { jsExecutor } from '../../src/runtime/js/index.js';
import { describeExecutorParity } from './parity.js';

// The JS executor holds i64 values (sums of integers) in float64, as the interpreter does, so the
// suite covers them here although compile() does not offer i64 on any device.
describeExecutorParity('js', () => jsExecutor, { dtypes: ['f32', 'f64', 'i32', 'i64', 'bool'] });
