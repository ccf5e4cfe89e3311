import { currentTiming } from '../timing';

/**
 * Queries of one coalescer in flight at most (1 by default). With 2, a lookup made while one query
 * is in flight goes at once in a second, so one query stalled (its backend or the event loop
 * waiting for a CPU) holds back the lookups behind it by less. A bench switch
 * (`COALESCE_IN_FLIGHT`, bench/load.ts) until measured.
 */
let maxInFlight = 1;
export function setCoalescerInFlight(n: number) {
  maxInFlight = Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1;
}

/**
 * Lookups of one kind by key (a token's hash, a run's id), made by concurrent requests, answered
 * by one query per round trip instead of one each (issue 17: 200 pollers made ~400 queries a
 * second, each a round trip on the read pool and a wake-up of a backend and of the event loop).
 *
 * The first lookup on an idle coalescer goes at once, alone; lookups made while a query is in
 * flight wait for it to end and then go together in the next. So nobody waits longer than one
 * round trip more than they would have queued for a connection anyway, and every answer comes from
 * a query sent after its lookup was made — never from a read older than the request (a revoked
 * token is refused by the next query, a changed run is seen by the next poll).
 */
export class Coalescer<K, V> {
  private waiting = new Map<
    K,
    { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]
  >();
  private inFlight = 0;

  /**
   * `load` answers the rows found for the keys given (a key without a row: not in the map);
   * `maxKeys` bounds one query's keys, the rest go in the next.
   */
  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 500,
  ) {}

  get(key: K): Promise<V | undefined> {
    const timing = currentTiming();
    const asked = timing ? performance.now() : 0;
    const answer = new Promise<V | undefined>((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (this.inFlight < maxInFlight) this.flush();
    });
    if (!timing) return answer;
    return answer.finally(() => (timing.shared += performance.now() - asked));
  }

  private flush() {
    if (this.waiting.size === 0) return;
    this.inFlight++;
    let batch = this.waiting;
    if (batch.size <= this.maxKeys) this.waiting = new Map();
    else {
      batch = new Map([...this.waiting].slice(0, this.maxKeys));
      for (const key of batch.keys()) this.waiting.delete(key);
    }
    let loading: Promise<Map<K, V>>;
    try {
      loading = this.load([...batch.keys()]);
    } catch (err) {
      loading = Promise.reject(err);
    }
    loading
      .then(
        (found) => {
          for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
        },
        (err: unknown) => {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.inFlight < maxInFlight) this.flush();
      });
  }
}

/** One coalescer per database handle (pool) and kind, made on first use. */
export function coalescerOf<D extends object, K, V>(
  cache: WeakMap<D, Coalescer<K, V>>,
  db: D,
  load: (db: D, keys: K[]) => Promise<Map<K, V>>,
): Coalescer<K, V> {
  let coalescer = cache.get(db);
  if (!coalescer) cache.set(db, (coalescer = new Coalescer((keys) => load(db, keys))));
  return coalescer;
}
