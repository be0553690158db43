/**
 * Byte-level encodings of the WebAssembly binary format: LEB128 integers, IEEE floats, names and
 * length-prefixed vectors. Everything the emitter writes goes through these.
 */

/** Unsigned LEB128. @example `uleb(624485)` → `[0xe5, 0x8e, 0x26]` */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. @example `sleb(-1)` → `[0x7f]` */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** Little-endian IEEE single. @example `f32Bytes(1)` → `[0, 0, 0x80, 0x3f]` */
export function f32Bytes(value: number): number[] {
  scratch.setFloat32(0, value, true);
  return [0, 1, 2, 3].map((i) => scratch.getUint8(i));
}

/** Little-endian IEEE double. @example `f64Bytes(1).length` → `8` */
export function f64Bytes(value: number): number[] {
  scratch.setFloat64(0, value, true);
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => scratch.getUint8(i));
}

/** A UTF-8 name with its length. @example `name('f')` → `[1, 0x66]` */
export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: element count, then the elements' bytes. @example `vec([[1], [2]])` → `[2, 1, 2]` */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
