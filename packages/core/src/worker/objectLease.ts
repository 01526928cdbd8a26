import type { HeldLease, ObjectTransitions } from "../ledger/objectTransitions.js";

/**
 * The ledger lease one attempt holds on one object, as the queue layer sees it: renewed with the
 * message's visibility heartbeat (cluster mode), and `lost` once a renewal finds that another
 * attempt took the object over (ours had expired), which stops the copy at once so the object
 * never has two writers for longer than the parts already in flight.
 */
export class ObjectLease {
  readonly held: HeldLease;
  readonly #ledger: ObjectTransitions;
  readonly #lost = new AbortController();

  constructor(ledger: ObjectTransitions, held: HeldLease) {
    this.#ledger = ledger;
    this.held = held;
  }

  /** The attempt's token, carried by a continuation to take the lease back. */
  get token(): string {
    return this.held.token;
  }

  /** Fires when the lease turned out to be someone else's. */
  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /**
   * Extends the lease to `expiresAt` (epoch ms).
   * @returns false when it is lost (the copy has been told to stop); a failed request throws and
   *   leaves the lease as it was, to be renewed by the next heartbeat.
   */
  async renew(expiresAt: number): Promise<boolean> {
    if (this.#lost.signal.aborted) return false;
    const kept = await this.#ledger.renew(this.held, expiresAt);
    if (!kept) this.#lost.abort();
    return kept;
  }
}
