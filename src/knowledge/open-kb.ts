/**
 * Loads a KB folder into a searchable KnowledgeBase: from its snapshot in the data folder when the
 * KB files and the retrieval code are unchanged (snapshot.ts), else by incremental ingest (cache in
 * the data folder), the lexical index and the calibration, then saved as the next snapshot. Dense
 * vectors are added when an embedding model is configured.
 *
 * When the files changed since the snapshot, a server (`background: true`) answers from the old
 * snapshot at once and swaps in the rebuilt KB when it is ready; a one-shot command rebuilds first.
 *
 * The sample KB shipped in `kb/` also keeps its snapshot once per install (like the word tables,
 * in `node_modules/.cache/helpline`), so a new data folder with the sample KB — every trial, test
 * run and first `npm start` — copies it instead of building (~1.5 s of CPU). Only the sample's:
 * a company's own KB stays in its data folder.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.ts';
import { llmEnabled } from '../config/schema.ts';
import { isHelplineError } from '../errors.ts';
import { openAiClient } from '../llm/openai-client.ts';
import { installCacheDir } from '../util/install-cache.ts';
import type { Calibration } from './calibrate.ts';
import { type EmbedSummary, embedPassages } from './embed-passages.ts';
import { ingestKb, stampKb } from './ingest/ingest.ts';
import { resolveSplitOptions } from './ingest/split-options.ts';
import { KnowledgeBase, type KnowledgeBaseOptions } from './knowledge-base.ts';
import { buildMeaningIndex } from './meaning/meaning-index.ts';
import { englishEncoder } from './meaning/sentence-encoder.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';
import { codeVersion, type FileStamp, readSnapshot, type Snapshot, writeSnapshot } from './snapshot.ts';
import { DEFAULT_SYNONYMS } from './synonyms.ts';
import { addUserWords } from './tokenize.ts';
import type { IngestSummary, Passage } from './types.ts';
import { MemoryVectorIndex, type VectorIndex } from './vector-index.ts';

/** The sample KB shipped beside the source. */
const SAMPLE_KB = fileURLToPath(new URL('../../kb', import.meta.url));

export interface OpenKbOptions {
  /** KB folder; @defaultValue config.kb.dir */
  dir?: string;
  onProgress?: (done: number, total: number, file: string) => void;
  /**
   * Told when the embeddings endpoint or the shipped sentence encoder fails (at open or per query);
   * search falls back to lexical.
   */
  onDenseError?: (err: unknown) => void;
  /**
   * With a snapshot of an older state of the KB: answer from it now and rebuild in the background
   * (`refreshed` settles when the new KB is in). @defaultValue false: rebuild before returning
   */
  background?: boolean;
  /**
   * With `background`: vectors for search by meaning are encoded once this settles (a server: once
   * it is ready, so the encoding does not slow its start).
   */
  meaningAfter?: Promise<unknown>;
}

export interface OpenedKb {
  /** The KB searched now; a background refresh replaces it. */
  kb: KnowledgeBase;
  summary: IngestSummary;
  dir: string;
  dense: boolean;
  /** With dense retrieval: where the vectors live (its `ready()` is a readiness check) and what the sync did. */
  vectors?: { index: VectorIndex; sync: EmbedSummary };
  /** Where `kb` came from: built now, an unchanged snapshot, or a stale one being refreshed. */
  source?: 'built' | 'snapshot' | 'stale';
  /** Settles when a background refresh has swapped the new KB in (at once when there is none). */
  refreshed?: Promise<void>;
  /**
   * Settles when English questions are matched by meaning too (`retrieval.meaning`), or when that
   * is off, has nothing English to search, or failed (told to `onDenseError`).
   */
  meaningReady?: Promise<void>;
}

export async function openKnowledgeBase(config: Config, options: OpenKbOptions = {}): Promise<OpenedKb> {
  const dir = resolve(options.dir ?? config.kb.dir);
  const cacheDir = join(resolve(config.data.dir), 'kb-cache');
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash('sha1').update(dir).digest('hex').slice(0, 12);
  addUserWords(config.retrieval.userWords);
  const synonyms = [...DEFAULT_SYNONYMS, ...config.retrieval.synonyms];
  const base: KnowledgeBaseOptions = {
    synonyms,
    answerability: { minEvidence: config.retrieval.minEvidence },
  };
  const calibrationFile = join(cacheDir, `${key}.calibration.json`);
  /** Gives `kb` its meaning index: at once from cached vectors, else after encoding (with progress). */
  const withMeaning = async (kb: KnowledgeBase): Promise<void> => {
    if (!config.retrieval.meaning) return;
    if (options.background) await options.meaningAfter;
    try {
      const index = await buildMeaningIndex(kb.passages, englishEncoder(), {
        cacheFile: join(cacheDir, `${key}.meaning.json`),
        installFile: dir === SAMPLE_KB ? installCacheDir('kb', 'sample.meaning.json') : undefined,
        // In the background the bar would draw over the server's log: the server logs when it is ready.
        onProgress: options.background ? undefined : options.onProgress,
      });
      if (index) kb.useMeaning(index);
    } catch (err) {
      options.onDenseError?.(err);
    }
  };
  /** Foreground: the KB is returned with its meaning index; background: it is added when ready. */
  const meaningOf = async (kb: KnowledgeBase): Promise<{ meaningReady: Promise<void> }> => {
    const meaningReady = withMeaning(kb);
    if (!options.background) await meaningReady;
    return { meaningReady };
  };

  /** Ingest (incremental), index and calibrate; `stamps` were taken before any file was read. */
  const build = async (stamps: FileStamp[] | undefined) => {
    const { passages, summary } = await ingestKb(dir, {
      cacheFile: join(cacheDir, `${key}.json`),
      maxFileBytes: config.kb.maxFileMb * 1024 * 1024,
      onProgress: options.onProgress,
      split: { chunkSize: config.kb.chunkSize },
    });
    const fingerprint = calibrationFingerprint(passages, synonyms);
    const learned = readCalibration(calibrationFile, fingerprint);
    const kb = new KnowledgeBase(passages, {
      ...base,
      answerability: { ...base.answerability, learned },
    });
    kb.warmUp();
    const calibration = kb.answerability();
    if (!learned) writeCalibration(calibrationFile, fingerprint, calibration);
    return { kb, summary, passages, calibration, stamps };
  };

  if (llmEnabled(config) && config.llm.embeddingModel) {
    const { kb, summary, passages } = await build(undefined);
    return withDense(config, kb, passages, summary, dir, cacheDir, key, base, options);
  }

  const settings = JSON.stringify({
    code: codeVersion(),
    split: resolveSplitOptions({ chunkSize: config.kb.chunkSize }),
    maxFileMb: config.kb.maxFileMb,
    synonyms,
    userWords: config.retrieval.userWords,
    minEvidence: config.retrieval.minEvidence ?? null,
  });
  const snapshotFile = join(cacheDir, `${key}.index`);
  const installFile = dir === SAMPLE_KB ? installCacheDir('kb', 'sample.index') : undefined;
  const buildAndSave = async (): Promise<OpenedKb> => {
    const stamps = await stampKb(dir);
    const built = await build(stamps);
    const snap = {
      settings,
      files: stamps,
      summary: built.summary,
      calibration: built.calibration,
      passages: built.passages,
      lexical: built.kb.lexicalParts(),
    };
    writeSnapshot(snapshotFile, snap);
    if (installFile) {
      try {
        mkdirSync(dirname(installFile), { recursive: true });
        writeSnapshot(installFile, snap);
      } catch {
        // A read-only install: each new data folder builds the sample KB, as before.
      }
    }
    const { meaningReady } = await meaningOf(built.kb);
    return { kb: built.kb, summary: built.summary, dir, dense: false, source: 'built', meaningReady };
  };

  const stamps = await stampKb(dir);
  const snap =
    readSnapshot(snapshotFile, settings) ?? fromInstall(installFile, snapshotFile, settings, stamps);
  if (!snap) return { ...(await buildAndSave()), refreshed: Promise.resolve() };
  const fromSnapshot = new KnowledgeBase(snap.passages, {
    ...base,
    answerability: { ...base.answerability, learned: snap.calibration },
    built: snap.lexical,
  });
  const summary: IngestSummary = {
    ...snap.summary,
    parsed: 0,
    unchanged: snap.summary.files - snap.summary.skipped.length,
    ms: 0,
  };
  if (sameFiles(snap.files, stamps)) {
    const { meaningReady } = await meaningOf(fromSnapshot);
    return {
      kb: fromSnapshot,
      summary,
      dir,
      dense: false,
      source: 'snapshot',
      refreshed: Promise.resolve(),
      meaningReady,
    };
  }
  if (!options.background) return { ...(await buildAndSave()), refreshed: Promise.resolve() };
  const opened: OpenedKb = {
    kb: fromSnapshot,
    summary,
    dir,
    dense: false,
    source: 'stale',
    ...(await meaningOf(fromSnapshot)),
  };
  // Yield first, so the caller finishes starting before the rebuild takes the thread.
  opened.refreshed = new Promise((r) => setTimeout(r, 0)).then(buildAndSave).then((fresh) => {
    opened.kb = fresh.kb;
    opened.summary = fresh.summary;
    opened.source = 'built';
    opened.meaningReady = fresh.meaningReady;
  });
  return opened;
}

/** The install's snapshot of the sample KB, when it matches these files, copied into the data folder. */
function fromInstall(
  installFile: string | undefined,
  snapshotFile: string,
  settings: string,
  stamps: FileStamp[],
): Snapshot | undefined {
  const snap = installFile ? readSnapshot(installFile, settings) : undefined;
  if (!installFile || !snap || !sameFiles(snap.files, stamps)) return undefined;
  try {
    copyFileSync(installFile, snapshotFile);
  } catch {
    // A read-only data folder: this start still answers from the install's copy.
  }
  return snap;
}

function sameFiles(a: FileStamp[], b: FileStamp[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, i) => f.source === b[i].source && f.size === b[i].size && f.mtimeMs === b[i].mtimeMs)
  );
}

async function withDense(
  config: Config,
  lexicalKb: KnowledgeBase,
  passages: Passage[],
  summary: IngestSummary,
  dir: string,
  cacheDir: string,
  key: string,
  base: KnowledgeBaseOptions,
  options: OpenKbOptions,
): Promise<OpenedKb> {
  const embedder = new OpenAiEmbedder(
    openAiClient({ baseURL: config.llm.baseUrl, apiKey: config.llm.apiKey }),
    config.llm.embeddingModel as string,
  );
  const index = await vectorIndexFor(config, dir, key);
  let sync: EmbedSummary;
  try {
    sync = await embedPassages(passages, embedder, index, join(cacheDir, `${key}.vectors.json`));
  } catch (err) {
    // A configured vector store that is down fails the start (like DATABASE_URL); an embeddings
    // outage only turns dense retrieval off.
    if (isHelplineError(err, 'VECTORS_UNAVAILABLE')) throw err;
    options.onDenseError?.(err);
    return { kb: lexicalKb, summary, dir, dense: false, source: 'built', refreshed: Promise.resolve() };
  }
  const kb = new KnowledgeBase(passages, {
    ...base,
    answerability: { ...base.answerability, learned: lexicalKb.answerability() },
    built: lexicalKb.lexicalParts(),
    dense: { embedder, index, ids: sync.ids },
    onDenseError: options.onDenseError,
  });
  return {
    kb,
    summary,
    dir,
    dense: true,
    vectors: { index, sync },
    source: 'built',
    refreshed: Promise.resolve(),
  };
}

/** Qdrant when QDRANT_URL is set, one collection per KB folder (its client loaded only then); else in-process. */
async function vectorIndexFor(config: Config, dir: string, key: string): Promise<VectorIndex> {
  if (!config.qdrant.url) return new MemoryVectorIndex();
  const { QdrantVectorIndex } = await import('./qdrant-vector-index.ts');
  const name =
    basename(dir)
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .slice(0, 40) || 'kb';
  return new QdrantVectorIndex({
    url: config.qdrant.url,
    apiKey: config.qdrant.apiKey,
    collection: `helpline_${name}_${key.slice(0, 8)}`,
  });
}

/** Calibration depends on the passages, the synonyms and the code that learns it. */
const CALIBRATION_VERSION = 2;

function calibrationFingerprint(passages: Passage[], synonyms: string[][]): string {
  const hash = createHash('sha1').update(`${CALIBRATION_VERSION}\n${JSON.stringify(synonyms)}`);
  for (const p of passages) hash.update(p.id).update('\0').update(p.text).update('\0');
  return hash.digest('hex');
}

/** Thresholds learned on an earlier start from the same passages; anything else means learn again. */
function readCalibration(file: string, fingerprint: string): Calibration | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as {
      fingerprint: string;
      calibration: Calibration;
    };
    return cached.fingerprint === fingerprint && cached.calibration?.source === 'calibrated'
      ? cached.calibration
      : undefined;
  } catch {
    return undefined;
  }
}

function writeCalibration(file: string, fingerprint: string, calibration: Calibration): void {
  if (calibration.source !== 'calibrated') return;
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify({ fingerprint, calibration }));
    renameSync(`${file}.tmp`, file);
  } catch {
    // A read-only data folder only costs the next start the calibration again.
  }
}
