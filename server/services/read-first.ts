/**
 * Reads first, bulk work second (issue 17: people watching come first). The app counts the reads
 * being handled (`readStarted`, a GET's handler from entry to its answer built); the log ingest
 * holds its next write while any is (`afterReads`), for at most `holdMs`, so a poll's queries and
 * JavaScript do not queue behind a write's on the event loop and in PostgreSQL. Bounded, so
 * ingest never stalls: at worst each write starts `holdMs` late, and the batches that arrive
 * meanwhile go in it (a bigger write costs less a line). With no read in flight nothing waits.
 * One count per process (every app in it), as the event loop and the cores are shared.
 */

/** READS_FIRST_MS: longest hold of a write for reads (0: off). */
export const READS_FIRST_DEFAULT_MS = 20;
let holdMs = READS_FIRST_DEFAULT_MS;
let reads = 0;
let idle: (() => void)[] = [];

export function setReadsFirstMs(ms: number) {
  holdMs = ms;
}

/** A read begins; call the function returned once its answer is built. */
export function readStarted(): () => void {
  reads++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--reads === 0) {
      const waiting = idle;
      idle = [];
      for (const wake of waiting) wake();
    }
  };
}

/** Resolves once no read is being handled, or after `holdMs` at most. */
export function afterReads(): Promise<void> | undefined {
  if (reads === 0 || holdMs <= 0) return undefined;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      idle = idle.filter((w) => w !== wake);
      resolve();
    }, holdMs);
    idle.push(wake);
  });
}
