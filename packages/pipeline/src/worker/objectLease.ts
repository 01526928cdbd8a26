import type { HeldLease, ObjectTransitions } from "../ledger/objectTransitions.js";

/**
 * The ledger lease one attempt holds on one object, as the queue layer sees it: renewed with the
 * message's visibility heartbeat (cluster mode), and `lost` once a renewal finds that another
 * attempt took the object over (ours had expired), or once renewals have failed for so long
 * that the lease may lapse before the next one: either way the copy stops at once, so the
 * object never has two writers for longer than the parts already in flight.
 */
export class ObjectLease {
  readonly held: HeldLease;
  readonly #ledger: ObjectTransitions;
  readonly #lost = new AbortController();
  #confirmedUntil: number;
  #ended = false;

  /** @param expiresAt - when the lease taken by `begin` lapses (epoch ms) */
  constructor(ledger: ObjectTransitions, held: HeldLease, expiresAt: number) {
    this.#ledger = ledger;
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
      const kept = await this.#ledger.renew(this.held, expiresAt);
      if (kept) this.#confirmedUntil = expiresAt;
      else this.#lost.abort();
      return kept;
    } catch (error) {
      if (Date.now() >= this.#confirmedUntil - safetyMs) this.#lost.abort();
      throw error;
    }
  }
}
