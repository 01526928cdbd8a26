/** A counting semaphore: at most `permits` holders at once, waiters served in order. */
export class Semaphore {
  #available: number;
  readonly #waiting: Array<() => void> = [];

  constructor(permits: number) {
    this.#available = permits;
  }

  /** Waits for a permit. */
  async acquire(): Promise<void> {
    if (this.#available > 0) {
      this.#available--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Returns a permit, handing it straight to the next waiter if there is one. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#available++;
    else next();
  }
}
