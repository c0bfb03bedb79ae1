/**
 * Just enough of the Prometheus text format to read a server's /metrics between two moments:
 * samples by name and labels, counter deltas, and histogram quantiles the way PromQL's
 * histogram_quantile() estimates them (linear inside the bucket that holds the rank).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type Scrape = Sample[];

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function matches(s: Sample, name: string, where: Record<string, string>): boolean {
  if (s.name !== name) return false;
  for (const [k, v] of Object.entries(where)) if (s.labels[k] !== v) return false;
  return true;
}

/** Sum of the samples of `name` whose labels include `where` (0 when there are none). */
export function sum(scrape: Scrape, name: string, where: Record<string, string> = {}): number {
  let total = 0;
  for (const s of scrape) if (matches(s, name, where)) total += s.value;
  return total;
}

/** `sum` after minus before: a counter's increase between two scrapes. */
export function delta(
  before: Scrape,
  after: Scrape,
  name: string,
  where: Record<string, string> = {},
): number {
  return sum(after, name, where) - sum(before, name, where);
}

export interface HistogramDelta {
  count: number;
  /** Seconds. */
  sum: number;
  /** Upper bound (seconds) → observations at or below it, cumulative; +Inf last. */
  buckets: [number, number][];
}

/** The observations a histogram gained between two scrapes. */
export function histogramDelta(
  before: Scrape,
  after: Scrape,
  name: string,
  where: Record<string, string> = {},
): HistogramDelta {
  const les = new Set<string>();
  for (const s of after) if (matches(s, `${name}_bucket`, where)) les.add(s.labels.le);
  const buckets = [...les]
    .map((le): [number, number] => [
      le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
      delta(before, after, `${name}_bucket`, { ...where, le }),
    ])
    .sort((a, b) => a[0] - b[0]);
  return {
    count: delta(before, after, `${name}_count`, where),
    sum: delta(before, after, `${name}_sum`, where),
    buckets,
  };
}

/**
 * The q-quantile (0–1) in seconds, as histogram_quantile() computes it: linear interpolation inside
 * the bucket holding the rank, starting from 0 in the first bucket. A rank in the +Inf bucket gives
 * the highest finite bound (`aboveTop` true: the true value is larger). NaN with no observations.
 */
export function histogramQuantile(h: HistogramDelta, q: number): { seconds: number; aboveTop: boolean } {
  const total = h.buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return { seconds: Number.NaN, aboveTop: false };
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, cumulative] of h.buckets) {
    if (cumulative >= rank) {
      if (le === Number.POSITIVE_INFINITY) return { seconds: lowerBound, aboveTop: true };
      const inBucket = cumulative - lowerCount;
      const seconds = inBucket === 0 ? le : lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket;
      return { seconds, aboveTop: false };
    }
    lowerBound = le;
    lowerCount = cumulative;
  }
  return { seconds: lowerBound, aboveTop: true };
}
