/** Timing and memory helpers shared by the benchmarks. */

export interface Latency {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentiles of per-call times in milliseconds. */
export function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return {
    samples: s.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    mean: s.reduce((x, y) => x + y, 0) / (s.length || 1),
    max: s[s.length - 1] ?? 0,
  };
}

export interface Memory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory outside the V8 heap that V8 knows of (buffers, typed-array backing stores). */
  externalMb: number;
}

const MB = 1024 * 1024;

/** Memory as it is now, garbage included. */
export function memoryNow(): Memory {
  const m = process.memoryUsage();
  return {
    rssMb: m.rss / MB,
    heapUsedMb: m.heapUsed / MB,
    heapTotalMb: m.heapTotal / MB,
    externalMb: m.external / MB,
  };
}

/**
 * Memory once garbage is collected and freed heap pages are handed back to the OS, as V8's memory
 * reducer does by itself when a process goes idle. Needs --expose-gc; a plain full GC is not enough,
 * because V8 keeps freed pages pooled (counted in RSS, not in heapTotal) for reuse.
 */
export function memorySettled(): Memory {
  const gc = (globalThis as { gc?: (options?: { type: string; flavor: string }) => void }).gc;
  gc?.({ type: 'major', flavor: 'last-resort' });
  return memoryNow();
}

/** Highest RSS the process has had so far. */
export function peakRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

/** Share of wall time the process spent on a CPU while `fn` ran: well below 1 means other load competed. */
export function cpuShare<T>(fn: () => T): { value: T; ms: number; cpuShare: number } {
  const cpu = process.cpuUsage();
  const r = timed(fn);
  const used = process.cpuUsage(cpu);
  return { ...r, cpuShare: (used.user + used.system) / 1000 / r.ms };
}

export function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}
