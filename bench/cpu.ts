/** CPU time of processes, for benches that report CPU per unit of work (steadier than rates on a busy machine). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TICKS_PER_SECOND = 100;

/** utime + stime of one process in seconds, and its parent's pid; null once it is gone. */
function stat(pid: string): { ppid: string; seconds: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3 (state).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: fields[1]!,
      seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by an embedded PostgreSQL (its postmaster and every child). */
export function clusterCpuSeconds(dataDir: string): number {
  const postmaster = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')
    .split('\n')[0]!
    .trim();
  let total = stat(postmaster)?.seconds ?? 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    if (s?.ppid === postmaster) total += s.seconds;
  }
  return total;
}

/** CPU seconds used so far by this process (every thread). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
