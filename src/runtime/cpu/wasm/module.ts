/**
 * Assembles a WebAssembly module: an imported (optionally shared) memory, imported scalar functions,
 * and the generated functions, each exported under its name. The kernels are a small subset of the
 * format (no tables, globals or data segments), so a hand-written emitter of a few hundred lines does
 * the job without wabt (5.5 MB) or binaryen (104 MB).
 */
import { name, uleb, vec } from './encoding.js';
import { FunctionBuilder } from './function.js';
import { VALTYPE_CODE, type ValType } from './opcodes.js';

export interface MemoryImport {
  readonly pages: number;
  readonly shared: boolean;
}

interface FunctionImport {
  readonly module: string;
  readonly field: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export class ModuleBuilder {
  private readonly imports: FunctionImport[] = [];
  private readonly functions: FunctionBuilder[] = [];

  constructor(private readonly memory: MemoryImport) {}

  /** Imports `module.field` as a function; returns its function index (call it before adding functions). */
  importFunction(
    module: string,
    field: string,
    params: readonly ValType[],
    results: readonly ValType[],
  ): number {
    if (this.functions.length > 0) throw new Error('wasm emitter: imports must come before functions');
    const existing = this.imports.findIndex((i) => i.module === module && i.field === field);
    if (existing >= 0) return existing;
    this.imports.push({ module, field, params, results });
    return this.imports.length - 1;
  }

  /** Adds an exported function; `build` writes its body. Returns the function's index. */
  addFunction(
    fnName: string,
    params: readonly ValType[],
    results: readonly ValType[],
    build: (fn: FunctionBuilder) => void,
  ): number {
    const fn = new FunctionBuilder(fnName, params, results);
    build(fn);
    this.functions.push(fn);
    return this.imports.length + this.functions.length - 1;
  }

  /**
   * The binary module; `shared` overrides whether the imported memory is shared (the functions do not
   * depend on it, so one build serves either memory).
   */
  encode(shared = this.memory.shared): Uint8Array<ArrayBuffer> {
    const types: string[] = [];
    const typeIndex = (params: readonly ValType[], results: readonly ValType[]): number => {
      const key = `${params.join(',')}->${results.join(',')}`;
      let i = types.indexOf(key);
      if (i < 0) i = types.push(key) - 1;
      return i;
    };
    const importEntries = this.imports.map((imp) => [
      ...name(imp.module),
      ...name(imp.field),
      0x00,
      ...uleb(typeIndex(imp.params, imp.results)),
    ]);
    const limits = shared
      ? [0x03, ...uleb(this.memory.pages), ...uleb(this.memory.pages)]
      : [0x00, ...uleb(this.memory.pages)];
    importEntries.push([...name('env'), ...name('memory'), 0x02, ...limits]);
    const funcTypes = this.functions.map((f) =>
      uleb(
        typeIndex(
          f.params.map((p) => p.type),
          f.results,
        ),
      ),
    );
    const exports = this.functions.map((f, i) => [...name(f.name), 0x00, ...uleb(this.imports.length + i)]);
    const typeEntries = types.map((key) => {
      const [p, r] = key.split('->').map((s) => (s === '' ? [] : (s.split(',') as ValType[])));
      return [0x60, ...vec(p.map((t) => [VALTYPE_CODE[t]])), ...vec(r.map((t) => [VALTYPE_CODE[t]]))];
    });
    const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
    return new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, vec(typeEntries)),
      ...section(2, vec(importEntries)),
      ...section(3, vec(funcTypes)),
      ...section(7, vec(exports)),
      ...section(10, vec(this.functions.map((f) => f.encode()))),
    ]);
  }

  /** The module in the text format (functions only), for `SATURN_DEBUG=wasm`. */
  text(shared = this.memory.shared): string {
    const imports = this.imports.map((i) => `(import "${i.module}" "${i.field}" (func))`);
    const mem = `(import "env" "memory" (memory ${this.memory.pages}${shared ? ` ${this.memory.pages} shared` : ''}))`;
    return `(module\n${[...imports, mem, ...this.functions.map((f) => f.text())].join('\n')})`;
  }
}
