/**
 * Loads a KB folder into a searchable KnowledgeBase: incremental ingest (cache in the data folder),
 * the lexical index, and dense vectors when an embedding model is configured.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { llmEnabled } from '../config/schema.ts';
import { isHelplineError } from '../errors.ts';
import { openAiClient } from '../llm/openai-client.ts';
import type { Calibration } from './calibrate.ts';
import { type EmbedSummary, embedPassages } from './embed-passages.ts';
import { ingestKb } from './ingest/ingest.ts';
import { KnowledgeBase } from './knowledge-base.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';
import { QdrantVectorIndex } from './qdrant-vector-index.ts';
import { DEFAULT_SYNONYMS } from './synonyms.ts';
import { addUserWords } from './tokenize.ts';
import type { IngestSummary, Passage } from './types.ts';
import { MemoryVectorIndex, type VectorIndex } from './vector-index.ts';

export interface OpenKbOptions {
  /** KB folder; @defaultValue config.kb.dir */
  dir?: string;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Told when the embeddings endpoint fails (at open or per query); search falls back to lexical. */
  onDenseError?: (err: unknown) => void;
}

export interface OpenedKb {
  kb: KnowledgeBase;
  summary: IngestSummary;
  dir: string;
  dense: boolean;
  /** With dense retrieval: where the vectors live (its `ready()` is a readiness check) and what the sync did. */
  vectors?: { index: VectorIndex; sync: EmbedSummary };
}

export async function openKnowledgeBase(config: Config, options: OpenKbOptions = {}): Promise<OpenedKb> {
  const dir = resolve(options.dir ?? config.kb.dir);
  const cacheDir = join(resolve(config.data.dir), 'kb-cache');
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash('sha1').update(dir).digest('hex').slice(0, 12);
  addUserWords(config.retrieval.userWords);
  const { passages, summary } = await ingestKb(dir, {
    cacheFile: join(cacheDir, `${key}.json`),
    maxFileBytes: config.kb.maxFileMb * 1024 * 1024,
    onProgress: options.onProgress,
    split: { chunkSize: config.kb.chunkSize },
  });
  const synonyms = [...DEFAULT_SYNONYMS, ...config.retrieval.synonyms];
  const calibrationFile = join(cacheDir, `${key}.calibration.json`);
  const fingerprint = calibrationFingerprint(passages, synonyms);
  const base = {
    synonyms,
    answerability: {
      minEvidence: config.retrieval.minEvidence,
      learned: readCalibration(calibrationFile, fingerprint),
    },
  };
  const warm = (kb: KnowledgeBase) => {
    kb.warmUp();
    if (!base.answerability.learned) writeCalibration(calibrationFile, fingerprint, kb.answerability());
    return kb;
  };
  if (!(llmEnabled(config) && config.llm.embeddingModel)) {
    const kb = warm(new KnowledgeBase(passages, base));
    return { kb, summary, dir, dense: false };
  }
  const embedder = new OpenAiEmbedder(
    openAiClient({ baseURL: config.llm.baseUrl, apiKey: config.llm.apiKey }),
    config.llm.embeddingModel,
  );
  const index = vectorIndexFor(config, dir, key);
  let sync: EmbedSummary;
  try {
    sync = await embedPassages(passages, embedder, index, join(cacheDir, `${key}.vectors.json`));
  } catch (err) {
    // A configured vector store that is down fails the start (like DATABASE_URL); an embeddings
    // outage only turns dense retrieval off.
    if (isHelplineError(err, 'VECTORS_UNAVAILABLE')) throw err;
    options.onDenseError?.(err);
    const kb = warm(new KnowledgeBase(passages, base));
    return { kb, summary, dir, dense: false };
  }
  const kb = warm(
    new KnowledgeBase(passages, {
      ...base,
      dense: { embedder, index, ids: sync.ids },
      onDenseError: options.onDenseError,
    }),
  );
  return { kb, summary, dir, dense: true, vectors: { index, sync } };
}

/** Qdrant when QDRANT_URL is set, one collection per KB folder; else the in-process index. */
function vectorIndexFor(config: Config, dir: string, key: string): VectorIndex {
  if (!config.qdrant.url) return new MemoryVectorIndex();
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
const CALIBRATION_VERSION = 1;

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
