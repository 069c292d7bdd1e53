/** Per remote: unreadable lines since the relay started, in total and by wire error code. */
export type WireErrorCount = { total: number; byCode: Record<string, number> };

/** Remotes and codes kept at most: the config names the remotes, the wire table the codes. */
const MAX_REMOTES = 64;
const MAX_CODES_PER_REMOTE = 32;

/**
 * Lines from a remote that are not protocol v1, counted per remote and code, for
 * `GET /v1/status` (`wireErrors`) and for /metrics to read through `counts()`. A listener in the
 * same process (`pressgate run`) records into it; the log shows them only rate-limited.
 */
export class WireErrorCounts {
  readonly #counts = new Map<string, WireErrorCount>();

  record(remoteId: string, code: string): void {
    let count = this.#counts.get(remoteId);
    if (count === undefined) {
      if (this.#counts.size >= MAX_REMOTES) return;
      count = { total: 0, byCode: {} };
      this.#counts.set(remoteId, count);
    }
    count.total += 1;
    if (Object.hasOwn(count.byCode, code) || Object.keys(count.byCode).length < MAX_CODES_PER_REMOTE) {
      count.byCode[code] = (count.byCode[code] ?? 0) + 1;
    }
  }

  /** A copy: remote id to its counts. */
  counts(): Record<string, WireErrorCount> {
    const copy: Record<string, WireErrorCount> = {};
    for (const [remoteId, count] of this.#counts) {
      copy[remoteId] = { total: count.total, byCode: { ...count.byCode } };
    }
    return copy;
  }
}
