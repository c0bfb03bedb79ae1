/**
 * Loads a KB folder into a searchable KnowledgeBase: incremental ingest (cache in the data folder),
 * the lexical index, and dense vectors when an embedding model is configured.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { llmEnabled } from '../config/schema.ts';
import { openAiClient } from '../llm/openai-client.ts';
import { embedPassages } from './embed-passages.ts';
import { ingestKb } from './ingest/ingest.ts';
import { KnowledgeBase } from './knowledge-base.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';
import { DEFAULT_SYNONYMS } from './synonyms.ts';
import { addUserWords } from './tokenize.ts';
import type { IngestSummary } from './types.ts';
import { MemoryVectorIndex } from './vector-index.ts';

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
  const base = {
    synonyms: [...DEFAULT_SYNONYMS, ...config.retrieval.synonyms],
    answerability: { minEvidence: config.retrieval.minEvidence },
  };
  if (!(llmEnabled(config) && config.llm.embeddingModel)) {
    const kb = new KnowledgeBase(passages, base);
    kb.warmUp();
    return { kb, summary, dir, dense: false };
  }
  const embedder = new OpenAiEmbedder(
    openAiClient({ baseURL: config.llm.baseUrl, apiKey: config.llm.apiKey }),
    config.llm.embeddingModel,
  );
  const index = new MemoryVectorIndex();
  try {
    await embedPassages(passages, embedder, index, join(cacheDir, `${key}.vectors.json`));
  } catch (err) {
    options.onDenseError?.(err);
    const kb = new KnowledgeBase(passages, base);
    kb.warmUp();
    return { kb, summary, dir, dense: false };
  }
  const kb = new KnowledgeBase(passages, {
    ...base,
    dense: { embedder, index },
    onDenseError: options.onDenseError,
  });
  return { kb, summary, dir, dense: true };
}
