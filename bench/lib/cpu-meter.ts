/**
 * Who used the CPUs during a benchmark phase, from Linux's /proc (zeros elsewhere): the server
 * process, the load generator (this process), Redis and PostgreSQL, and the whole machine, so a run
 * where other processes competed for the cores can be told apart from a clean one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;
const SERVICE_NAMES = new Set(['redis-server', 'postgres']);

export interface CpuSnapshot {
  at: number;
  server: number;
  generator: number;
  services: Map<number, number>;
  machineBusy: number;
  machineSteal: number;
}

export interface CpuUse {
  wallSeconds: number;
  /** CPU seconds per wall second ("cores" busy) for each party. */
  serverCores: number;
  generatorCores: number;
  /** redis-server and postgres processes (all of them, not only this run's connections). */
  servicesCores: number;
  machineBusyCores: number;
  /** Busy machine time not explained by the three above: other processes competing. */
  otherCores: number;
  stealCores: number;
  cores: number;
}

/** utime + stime of a process, seconds; undefined when it cannot be read. */
export function processSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function servicePids(): Map<number, number> {
  const out = new Map<number, number>();
  if (!existsSync('/proc')) return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!SERVICE_NAMES.has(comm)) continue;
    const s = processSeconds(Number(entry));
    if (s !== undefined) out.set(Number(entry), s);
  }
  return out;
}

function machine(): { busy: number; steal: number } {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = ticks.map(Number);
    return {
      busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
      steal: (steal ?? 0) / TICKS_PER_SECOND,
    };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  const own = process.cpuUsage();
  const m = machine();
  return {
    at: performance.now(),
    server: processSeconds(serverPid) ?? 0,
    generator: (own.user + own.system) / 1e6,
    services: servicePids(),
    machineBusy: m.busy,
    machineSteal: m.steal,
  };
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, cores: number): CpuUse {
  const wall = (after.at - before.at) / 1000;
  let services = 0;
  for (const [pid, s] of after.services) services += s - (before.services.get(pid) ?? 0);
  const per = (x: number) => (wall > 0 ? x / wall : 0);
  const serverCores = per(after.server - before.server);
  const generatorCores = per(after.generator - before.generator);
  const servicesCores = per(services);
  const machineBusyCores = per(after.machineBusy - before.machineBusy);
  return {
    wallSeconds: wall,
    serverCores,
    generatorCores,
    servicesCores,
    machineBusyCores,
    otherCores: Math.max(0, machineBusyCores - serverCores - generatorCores - servicesCores),
    stealCores: per(after.machineSteal - before.machineSteal),
    cores,
  };
}
