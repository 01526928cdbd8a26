import type { HeldLease } from "../ledger/objectTransitions.js";

/** Extends a lease in the ledger to `expiresAt`; false when it is no longer the holder's. */
export type RenewLease = (expiresAt: number) => Promise<boolean>;

/**
 * The ledger lease one attempt holds on one object (or one range of a fanned-out object), as the
 * queue layer sees it: renewed with the
 * message's visibility heartbeat (cluster mode), and `lost` once a renewal finds that another
 * attempt took the object over (ours had expired), or once renewals have failed for so long
 * that the lease may lapse before the next one: either way the copy stops at once, so the
 * object never has two writers for longer than the parts already in flight.
 */
export class ObjectLease<Held extends { readonly token: string } = HeldLease> {
  readonly held: Held;
  readonly #renew: RenewLease;
  readonly #lost = new AbortController();
  #confirmedUntil: number;
  #ended = false;

  /**
   * @param renew - extends the lease in the ledger
   * @param expiresAt - when the lease just taken lapses (epoch ms)
   */
  constructor(renew: RenewLease, held: Held, expiresAt: number) {
    this.#renew = renew;
    this.held = held;
    this.#confirmedUntil = expiresAt;
  }

  /** The attempt's token, carried by a continuation to take the lease back. */
  get token(): string {
    return this.held.token;
  }

  /** Fires when the lease is, or may soon be, someone else's. */
  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /** Whether the copy is over (the lease is finished, released or handed off): no more renewals. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Marks the copy over; later renewals do nothing. */
  end(): void {
    this.#ended = true;
  }

  /**
   * Extends the lease to `expiresAt` (epoch ms).
   *
   * @param safetyMs - a failed renewal gives the lease up locally (fires `lost`) once the last
   *   confirmed expiry is this close: the next renewal might come too late
   * @returns true when renewed; false when lost or ended. A failed request leaves the lease as it
   *   was (to be renewed by the next beat) unless that is within `safetyMs` of lapsing.
   */
  async renew(expiresAt: number, safetyMs: number): Promise<boolean> {
    if (this.#ended || this.#lost.signal.aborted) return false;
    try {
      const kept = await this.#renew(expiresAt);
      if (kept) this.#confirmedUntil = expiresAt;
      else this.#lost.abort();
      return kept;
    } catch (error) {
      if (Date.now() >= this.#confirmedUntil - safetyMs) this.#lost.abort();
      throw error;
    }
  }
}
