/**
 * The errors of compiled functions. Input errors extend the graph layer's `InputError`, so code that
 * catches the interpreter's errors catches these too; each names the input and both sides of the
 * mismatch, and carries them as fields for tools.
 */
import { InputError, SaturnError } from '../graph/errors.js';
import { formatShape, type Shape } from '../graph/shape.js';

/** A graph that cannot be compiled as asked: bad `inputs`, `updates`, dtypes or device. */
export class CompileError extends SaturnError {
  override name = 'CompileError';
}

/** An update whose parameter is not a shared variable, or whose value differs in dtype or shape. */
export class UpdateError extends CompileError {
  override name = 'UpdateError';
}

/** A dtype the chosen executor cannot run (never converted silently). */
export class UnsupportedDTypeError extends CompileError {
  override name = 'UnsupportedDTypeError';
}

/** `get`/`set` of a node that is not a parameter of the function, or a call after `dispose()`. */
export class FunctionUseError extends SaturnError {
  override name = 'FunctionUseError';
}

/** A call without a value for one of the function's inputs. */
export class MissingInputError extends InputError {
  override name = 'MissingInputError';
  constructor(
    readonly input: string,
    readonly declared: string,
  ) {
    super(`missing value for input '${input}' (${declared})`);
  }
}

/** A call with a value for a name that is not one of the function's inputs. */
export class UnknownInputError extends InputError {
  override name = 'UnknownInputError';
  constructor(
    readonly input: string,
    readonly known: readonly string[],
    /** True when `input` names one of the function's parameters (shared variables). */
    readonly isParameter = false,
  ) {
    super(
      isParameter
        ? `'${input}' is a parameter (shared variable) of this function, not an input; change it with set()`
        : `unknown input '${input}' (the function's inputs: ${known.join(', ') || 'none'})`,
    );
  }
}

/** A value whose element type is not the input's dtype (a Float64Array for an f32 input, say). */
export class InputDTypeError extends InputError {
  override name = 'InputDTypeError';
  constructor(
    readonly input: string,
    readonly expected: string,
    readonly got: string,
    hint = '',
  ) {
    super(`input '${input}': expected ${expected} data, got ${got}${hint}`);
  }
}

/** A value whose shape does not fit the input's declared shape. */
export class InputShapeError extends InputError {
  override name = 'InputShapeError';
  constructor(
    readonly input: string,
    readonly expected: Shape,
    readonly got: readonly number[],
    why: string,
  ) {
    super(
      `input '${input}': got shape ${formatShape(got)} where ${formatShape(expected)} is expected (${why})`,
    );
  }
}

/** A symbolic dim bound to two sizes by two inputs (or at two axes of one). */
export class DimMismatchError extends InputError {
  override name = 'DimMismatchError';
  constructor(
    readonly dim: string,
    readonly input: string,
    readonly shape: readonly number[],
    readonly size: number,
    readonly boundBy: string,
    readonly boundShape: readonly number[],
    readonly boundSize: number,
  ) {
    super(
      `input '${input}' has shape ${formatShape(shape)}, so ${dim} = ${size}, but input '${boundBy}' ` +
        `has shape ${formatShape(boundShape)}, so ${dim} = ${boundSize}`,
    );
  }
}
