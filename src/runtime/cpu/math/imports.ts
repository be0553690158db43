/**
 * The scalar imports of one module under construction: every module imports the whole (small) table
 * in a fixed order, so workers build one import object for all programs; the table records which
 * imports the kernels actually call, which decides whether a kernel may run on a worker.
 */
import { call, type Expr } from '../wasm/expr.js';
import type { ModuleBuilder } from '../wasm/module.js';
import {
  importIsThreadSafe,
  SCALAR_IMPORT_NAMES,
  SCALAR_IMPORTS,
  type ScalarImportName,
} from './scalar-imports.js';

export class ImportTable {
  private readonly index = new Map<ScalarImportName, number>();
  private used = new Set<ScalarImportName>();

  constructor(module: ModuleBuilder) {
    for (const name of SCALAR_IMPORT_NAMES) {
      const params = SCALAR_IMPORTS[name].arity === 1 ? (['f64'] as const) : (['f64', 'f64'] as const);
      this.index.set(name, module.importFunction('math', name, params, ['f64']));
    }
  }

  /** A call of import `name` on float64 arguments. */
  call(name: ScalarImportName, ...args: Expr[]): Expr {
    this.used.add(name);
    return call(this.index.get(name)!, 'f64', name, ...args);
  }

  /** Starts recording the imports of the next function; returns whether the last one was worker-safe. */
  takeThreadSafety(): boolean {
    const safe = [...this.used].every(importIsThreadSafe);
    this.used = new Set();
    return safe;
  }
}
