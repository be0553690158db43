/**
 * Branded numeric ids. Raw numbers never cross module boundaries: a `ClassId` cannot be passed where a
 * `SymbolId` is expected, yet both stay plain numbers at run time so they fit in typed arrays.
 *
 * @example
 * ```ts
 * const a = egraph.add(lang.resolve('x', 0), []); // a: ClassId
 * ```
 */
export type ClassId = number & { readonly __brand: 'ClassId' };

/**
 * An interned symbol: an op together with its attributes or payload (`+`, the constant `2.5`, `sum{axis=[1]}`).
 *
 * @example
 * ```ts
 * const plus: SymbolId = lang.intern({ op: '+', arity: 2 });
 * ```
 */
export type SymbolId = number & { readonly __brand: 'SymbolId' };

/** Casts a raw number to a `ClassId`; only the e-graph modules mint ids. @example `asClassId(0)` */
export const asClassId = (n: number): ClassId => n as ClassId;

/** Casts a raw number to a `SymbolId`; only `Language` mints symbols. @example `asSymbolId(0)` */
export const asSymbolId = (n: number): SymbolId => n as SymbolId;
