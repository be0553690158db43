import { SaturnError } from '../graph/errors.js';

/**
 * A graph that cannot be lowered to a program as requested: an unbound dim, an update whose value
 * does not fit its parameter, a parameter that is not an input. The message names the place.
 *
 * @example new LoweringError("update of 'w': value is f64[3], parameter is f32[3]")
 */
export class LoweringError extends SaturnError {
  override name = 'LoweringError';
}
