/**
 * Ohm, loaded on first use. Importing Ohm bootstraps its own grammar (about 80 ms of CPU, half of what
 * importing Saturn cost), and a program that builds graphs with `T.*`, optimizes them with the build's
 * parsed rule files and runs them never parses text: it should not pay for the parser. Ohm's CommonJS
 * bundle can be loaded synchronously here, so parsing functions stay synchronous. Every grammar and
 * semantics of Saturn comes from this one copy (grammars of two copies of Ohm do not mix).
 */
import { createRequire } from 'node:module';
import type * as Ohm from 'ohm-js';

let lib: typeof Ohm | undefined;

/**
 * The Ohm library, loaded on the first call.
 *
 * @example ohm().grammar('G { start = "a" }').match('a').succeeded() // true
 */
export function ohm(): typeof Ohm {
  lib ??= createRequire(import.meta.url)('ohm-js') as typeof Ohm;
  return lib;
}

/**
 * Whether Ohm was loaded (tests and the cold-start benchmark check that optimizing does not need it).
 *
 * @example ohmLoaded() // false after import 'saturn', defaultLibrary() and optimize() in a built package
 */
export function ohmLoaded(): boolean {
  return lib !== undefined;
}
