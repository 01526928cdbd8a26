import { Semaphore } from "../concurrency/semaphore.js";

/**
 * A fixed set of equal buffers handed out one holder at a time. Part buffers are megabytes each
 * and live outside the V8 heap; allocating one per part made garbage collection a fifth of the
 * CPU of a large copy, so each object's parts reuse at most `count` buffers instead.
 */
export class BufferPool {
  readonly #permits: Semaphore;
  readonly #free: Buffer[] = [];
  readonly #size: number;

  constructor(count: number, size: number) {
    this.#permits = new Semaphore(count);
    this.#size = size;
  }

  /** Waits for a free buffer (allocated on first use). */
  async acquire(): Promise<Buffer> {
    await this.#permits.acquire();
    return this.#free.pop() ?? Buffer.allocUnsafe(this.#size);
  }

  /** Returns a buffer; its contents may be overwritten at once. */
  release(buffer: Buffer): void {
    this.#free.push(buffer);
    this.#permits.release();
  }
}
