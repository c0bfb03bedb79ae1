/**
 * What makes the in-process runner durable (DESIGN §7 "a crash loses no accepted event"): every job
 * it takes is appended to a file under HELPLINE_DATA before `add` resolves, every retry and end is
 * appended as it happens, and at start the file is replayed so the jobs still open run again.
 *
 * Appends are synchronous `write`s: once one returns the bytes are in the operating system's page
 * cache, so a killed process (SIGKILL, OOM) loses nothing it acknowledged. A power cut may lose the
 * last writes; for that, run BullMQ on a Redis with AOF (REDIS_URL). One process owns the file (the
 * embedded mode is one process, as PGlite is).
 *
 * Format: one JSON array a line — ["a", queue, job, dueAt] added, ["u", queue, id, dueAt, failures,
 * retryLaters] rescheduled, ["d", queue, id] done. A torn last line (killed mid-write) is skipped.
 * The file is rewritten with only the open jobs at start and whenever ended ones outnumber them.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { HelplineError } from '../errors.ts';
import type { ResolvedJob } from './job-policy.ts';
import type { QueueName } from './types.ts';

export interface JournalEntry {
  queue: QueueName;
  job: ResolvedJob;
  /** When the job may run next (epoch ms). */
  dueAt: number;
  failures: number;
  retryLaters: number;
}

type Line =
  | ['a', QueueName, ResolvedJob, number]
  | ['u', QueueName, string, number, number, number]
  | ['d', QueueName, string];

/** Records since the last rewrite above which, when most are of ended jobs, the file is rewritten. */
const COMPACT_AFTER = 5_000;

export class JobJournal {
  readonly path: string;
  #fd: number | undefined;
  #records = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Replays the file, rewrites it with the open jobs only, and returns them in the order added. */
  open(): JournalEntry[] {
    const open = new Map<string, JournalEntry>();
    if (existsSync(this.path)) {
      for (const text of readFileSync(this.path, 'utf8').split('\n')) {
        const line = parse(text);
        if (!line) continue;
        const key = (queue: string, id: string) => `${queue}\u0000${id}`;
        if (line[0] === 'a') {
          const [, queue, job, dueAt] = line;
          open.set(key(queue, job.id), { queue, job, dueAt, failures: 0, retryLaters: 0 });
        } else if (line[0] === 'u') {
          const entry = open.get(key(line[1], line[2]));
          if (entry) Object.assign(entry, { dueAt: line[3], failures: line[4], retryLaters: line[5] });
        } else {
          open.delete(key(line[1], line[2]));
        }
      }
    }
    const entries = [...open.values()];
    this.rewrite(entries);
    return entries;
  }

  added(queue: QueueName, job: ResolvedJob, dueAt: number): void {
    this.#append(['a', queue, job, dueAt]);
  }

  rescheduled(e: JournalEntry): void {
    this.#append(['u', e.queue, e.job.id, e.dueAt, e.failures, e.retryLaters]);
  }

  finished(queue: QueueName, id: string): void {
    this.#append(['d', queue, id]);
  }

  /** Whether the file holds many more records than open jobs (the runner then calls `rewrite`). */
  wantsRewrite(openJobs: number): boolean {
    return this.#records > COMPACT_AFTER && this.#records > 4 * openJobs;
  }

  /** Replaces the file with one record per open job (written aside, then renamed over it). */
  rewrite(entries: readonly JournalEntry[]): void {
    this.close();
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (const e of entries) {
        writeSync(fd, `${JSON.stringify(['a', e.queue, e.job, e.dueAt])}\n`);
        if (e.failures || e.retryLaters) {
          writeSync(fd, `${JSON.stringify(['u', e.queue, e.job.id, e.dueAt, e.failures, e.retryLaters])}\n`);
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.#fd = openSync(this.path, 'a', 0o600);
    this.#records = entries.length;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(line: Line): void {
    if (this.#fd === undefined) this.#fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(this.#fd, `${JSON.stringify(line)}\n`);
    } catch (err) {
      throw new HelplineError(
        'JOBS_UNAVAILABLE',
        `Could not write the job journal ${this.path} (${(err as Error).message}); free disk space or fix the permissions of HELPLINE_DATA.`,
        { cause: err },
      );
    }
    this.#records++;
  }
}

function parse(text: string): Line | undefined {
  if (!text) return undefined;
  try {
    const line = JSON.parse(text) as Line;
    return Array.isArray(line) && (line[0] === 'a' || line[0] === 'u' || line[0] === 'd') ? line : undefined;
  } catch {
    return undefined; // a line torn by a crash mid-write
  }
}
