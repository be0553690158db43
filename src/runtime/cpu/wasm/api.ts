/**
 * The slice of the WebAssembly JavaScript API the cpu executor uses, typed here because the project's
 * `lib` (ES2022 + Node types) does not declare `WebAssembly`, and adding the DOM lib to the whole
 * project for it would leak browser globals into every module.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module (opaque; structured-cloneable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export type WasmImports = Record<string, Record<string, unknown>>;

interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The engine's `WebAssembly` object. @example `wasm.validate(bytes)` */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
