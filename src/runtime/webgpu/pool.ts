/**
 * GPU buffers by size class. Creating and destroying buffers costs driver work and fragments memory, so
 * a disposed program's buffers go back to the device's pool and the next program of similar sizes
 * takes them. Sizes are rounded up to a power of two (at least 256 bytes), so a class wastes at most
 * half its bytes; buffers of different usages never mix.
 *
 * @example
 * const pool = poolOf(device);
 * const b = pool.acquire(1000, STORAGE_USAGE); // a 1024-byte buffer
 * pool.release(b);
 */

/** Storage buffers: bound by kernels, written by the queue, copied for readback and updates. */
export const STORAGE_USAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC
/** Staging buffers for readback. */
export const READBACK_USAGE = 0x01 | 0x08; // MAP_READ | COPY_DST
/** Uniform blocks of kernel parameters. */
export const UNIFORM_USAGE = 0x40 | 0x08; // UNIFORM | COPY_DST

const MIN_CLASS = 256;

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Bytes held by buffers waiting in the pool. */
  idleBytes = 0;
  created = 0;
  reused = 0;

  constructor(private readonly device: GPUDevice) {}

  /** The size class of a request: the next power of two, at least 256 bytes. */
  static classOf(bytes: number): number {
    return Math.max(MIN_CLASS, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
  }

  acquire(bytes: number, usage: number, label?: string): GPUBuffer {
    const size = BufferPool.classOf(bytes);
    const list = this.free.get(`${usage}:${size}`);
    const found = list?.pop();
    if (found !== undefined) {
      this.reused++;
      this.idleBytes -= size;
      return found;
    }
    this.created++;
    return this.device.createBuffer({ size, usage, label });
  }

  release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (list === undefined) {
      list = [];
      this.free.set(key, list);
    }
    list.push(buffer);
    this.idleBytes += buffer.size;
  }

  /** Destroys every idle buffer (the pool stays usable). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.idleBytes = 0;
  }
}

const POOLS = new WeakMap<GPUDevice, BufferPool>();

/** The pool of a device, created on first use. */
export function poolOf(device: GPUDevice): BufferPool {
  let pool = POOLS.get(device);
  if (pool === undefined) {
    pool = new BufferPool(device);
    POOLS.set(device, pool);
  }
  return pool;
}
