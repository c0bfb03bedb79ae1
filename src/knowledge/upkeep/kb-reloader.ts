/**
 * Re-indexes the running KB without a restart. `reload()` opens the KB folder again (open-kb.ts:
 * incremental ingest from the cache, so only changed files are parsed; the snapshot is rewritten)
 * and swaps the new index into the `OpenedKb` every turn searches through. Reloads run one at a
 * time; asked while one runs, one more follows it (it may have missed the newest file).
 *
 * Other processes (more `serve` or `worker` processes on the same KB folder, e.g. a shared volume)
 * see the change through `watch()`: every few seconds each compares the folder's file stamps (size
 * and modification time, no content read) with what it indexed and reloads when they differ. The
 * snapshot the first process wrote makes their reload a read, not a rebuild. Processes with their
 * own copy of the folder are not reached: they load it at their next start.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import { stampKb } from '../ingest/ingest.ts';
import { type OpenedKb, openKnowledgeBase } from '../open-kb.ts';
import type { IngestSummary } from '../types.ts';

export interface KbReloader {
  readonly opened: OpenedKb;
  /** Re-indexes the folder now and answers from it; resolves with the new summary. */
  reload(): Promise<IngestSummary>;
  /** Reloads whenever the folder's files change; returns the stop function. */
  watch(everyMs?: number): () => void;
}

export interface KbReloaderDeps {
  config: Config;
  opened: OpenedKb;
  logger: Logger;
}

const stampsOf = async (dir: string) => JSON.stringify(await stampKb(dir));

export function createKbReloader(deps: KbReloaderDeps): KbReloader {
  const { opened, config, logger } = deps;
  let running: Promise<IngestSummary> | undefined;
  let queued: Promise<IngestSummary> | undefined;
  /** The folder's stamps as of the last index built here. */
  let indexed: string | undefined;

  const once = async (): Promise<IngestSummary> => {
    // A background refresh from start must not land after (and over) this newer index.
    await opened.refreshed?.catch(() => {});
    const before = await stampsOf(opened.dir);
    const started = performance.now();
    const fresh = await openKnowledgeBase(config, {
      dir: opened.dir,
      onDenseError: (err) => logger.warn({ err }, 'search by meaning failed; answering by words alone'),
    });
    opened.kb = fresh.kb;
    opened.summary = fresh.summary;
    opened.dense = fresh.dense;
    opened.vectors = fresh.vectors;
    opened.source = fresh.source;
    opened.meaningReady = fresh.meaningReady;
    indexed = before;
    logger.info(
      { passages: fresh.summary.passages, ms: Math.round(performance.now() - started) },
      'knowledge base re-indexed; answering from it now',
    );
    return fresh.summary;
  };

  const reload = (): Promise<IngestSummary> => {
    if (!running) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return reload();
      });
    return queued;
  };

  return {
    opened,
    reload,
    watch(everyMs = 5000) {
      let busy = false;
      const timer = setInterval(async () => {
        if (busy || running) return;
        busy = true;
        try {
          const now = await stampsOf(opened.dir);
          if (indexed === undefined) indexed = now;
          else if (now !== indexed) await reload();
        } catch (err) {
          logger.warn({ err }, 'knowledge base folder check failed; still answering from the current index');
        } finally {
          busy = false;
        }
      }, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
