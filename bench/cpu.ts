/** CPU time of processes, for benches that report CPU per unit of work (steadier than rates on a busy machine). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of one process in seconds (`reaped`: plus its children's that have exited), and
 * its parent's pid; null once it is gone.
 */
function stat(pid: string, reaped = false): { ppid: string; seconds: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3 (state).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, ...(reaped ? [13, 14] : [])].map((i) => Number(fields[i]));
    return {
      ppid: fields[1]!,
      seconds: ticks.reduce((a, b) => a + b, 0) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by an embedded PostgreSQL (its postmaster and every child, those that
 * exited too: a connection closed meanwhile took its backend's CPU with it).
 */
export function clusterCpuSeconds(dataDir: string): number {
  const postmaster = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')
    .split('\n')[0]!
    .trim();
  let total = stat(postmaster, true)?.seconds ?? 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    if (s?.ppid === postmaster) total += s.seconds;
  }
  return total;
}

/** CPU seconds used so far by process `pid` (0 once it is gone). */
export const processCpuSeconds = (pid: number) => stat(String(pid))?.seconds ?? 0;

/** CPU seconds used so far by this process (every thread). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
