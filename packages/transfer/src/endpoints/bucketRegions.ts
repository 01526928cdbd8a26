/**
 * Where each bucket lives, as found once per process: the one cache of bucket regions that every
 * client of a run shares, so a bucket both sides name (a server-side copy within one bucket) is
 * looked up once, and two lookups at the same moment share one request.
 */
export class BucketRegions {
  readonly #known = new Map<string, Promise<string>>();

  /**
   * The region of `bucket` in `scope` (an endpoint URL, or a partition for AWS's own endpoints:
   * bucket names are unique only within one), found by `discover` the first time it is asked.
   * A failed discovery is forgotten, so the next request asks again.
   */
  regionOf(scope: string, bucket: string, discover: () => Promise<string>): Promise<string> {
    const id = `${scope}\n${bucket}`;
    const known = this.#known.get(id);
    if (known !== undefined) return known;
    const found = discover();
    this.#known.set(id, found);
    found.catch(() => {
      if (this.#known.get(id) === found) this.#known.delete(id);
    });
    return found;
  }

  /** Records the region S3 named for `bucket` (a wrong-region answer corrects what was known). */
  learn(scope: string, bucket: string, region: string): void {
    this.#known.set(`${scope}\n${bucket}`, Promise.resolve(region));
  }
}
