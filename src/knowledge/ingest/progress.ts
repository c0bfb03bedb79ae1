import type { IngestSummary } from '../types.ts';

/** The slice of a stream the bar needs; `process.stderr` fits, and so does a test double. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressBar {
  update(done: number, total: number, file: string): void;
  /** Clears the bar line so the summary starts on a clean line. */
  finish(): void;
}

const BAR_WIDTH = 24;

/**
 * A one-line bar redrawn in place. Silent when the stream is not a terminal, because carriage-return
 * redraws turn into hundreds of lines in CI logs and piped output.
 */
export function createProgressBar(stream: ProgressStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} };
  let drawn = false;
  return {
    update(done, total, file) {
      const ratio = total > 0 ? done / total : 1;
      const filled = Math.round(ratio * BAR_WIDTH);
      const head = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} `;
      const room = Math.max(0, (stream.columns ?? 80) - head.length - 1);
      const name = file.length > room ? `…${file.slice(file.length - room + 1)}` : file;
      stream.write(`\r\x1b[2K${head}${name}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** Human-readable end-of-ingest report: counts first, then every skipped file with its reason. */
export function formatSummary(summary: IngestSummary): string {
  const lines = [
    `Ingested ${plural(summary.files, 'file')} in ${summary.ms} ms: ` +
      `${summary.parsed} parsed, ${summary.unchanged} unchanged, ${summary.skipped.length} skipped.`,
    `${plural(summary.passages, 'passage')} ready.`,
  ];
  if (summary.skipped.length) {
    lines.push('Skipped:');
    const width = Math.min(60, Math.max(...summary.skipped.map((s) => s.file.length)));
    for (const s of summary.skipped) lines.push(`  ${s.file.padEnd(width)}  ${s.reason}`);
  }
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
