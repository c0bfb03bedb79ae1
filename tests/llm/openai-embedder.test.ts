/** OpenAiEmbedder and the vector cache of embedPassages, with the real client against the stand-in. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingText, embedPassages } from '../../src/knowledge/embed-passages.ts';
import { OpenAiEmbedder } from '../../src/knowledge/openai-embedder.ts';
import { MemoryVectorIndex } from '../../src/knowledge/vector-index.ts';
import { openAiClient } from '../../src/llm/openai-client.ts';
import { embedText, type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { failureOf, passage, tempDir } from './fixtures.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

const embedder = (model = 'test-embed', batchSize?: number) =>
  new OpenAiEmbedder(openAiClient({ baseURL: standIn.url, apiKey: 'test-key' }), model, batchSize);
/** What the client hands back: the stand-in's vector after a float32 round trip. */
const expected = (text: string) => Array.from(Float32Array.from(embedText(text)));

describe('OpenAiEmbedder', () => {
  const texts = ['annual leave', 'sick leave', 'VPN password reset', '年假怎么请', 'expense claims'];

  it('embeds in batches of batchSize, one vector per text, same order', async () => {
    const vectors = await embedder('test-embed', 2).embed(texts);
    expect(vectors).toEqual(texts.map(expected));
    expect(standIn.embeddingRequests().map((r) => r.input)).toEqual([
      texts.slice(0, 2),
      texts.slice(2, 4),
      texts.slice(4),
    ]);
    expect(standIn.embeddingRequests()[0]).toMatchObject({ model: 'test-embed' });
    expect(standIn.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('sends everything in one request with the default batch size', async () => {
    await embedder().embed(texts);
    expect(standIn.embeddingRequests()).toHaveLength(1);
  });

  it('keeps the input order when the endpoint answers out of order', async () => {
    standIn.reverseEmbeddings = true;
    expect(await embedder('test-embed', 3).embed(texts)).toEqual(texts.map(expected));
  });

  it('fails with EMBEDDING_FAILED, naming what to check, when the endpoint refuses', async () => {
    standIn.failNext({ status: 400, message: 'This model does not support embeddings' });
    const err = await failureOf(embedder().embed(texts));
    expect(err.code).toBe('EMBEDDING_FAILED');
    expect(err.message).toContain('"test-embed"');
    expect(err.message).toContain('This model does not support embeddings');
    expect(err.message).toContain('HELPLINE_EMBEDDING_MODEL');
  });

  it('fails with EMBEDDING_FAILED when a later batch fails, after one retry', async () => {
    standIn.embed = (text) => {
      if (text === 'VPN password reset') throw new Error('the GPU fell over');
      return embedText(text);
    };
    const err = await failureOf(embedder('test-embed', 2).embed(texts));
    expect(err.code).toBe('EMBEDDING_FAILED');
    // The first batch once, then the second batch twice (the client retries a 500 once).
    expect(standIn.embeddingRequests().map((r) => r.input)).toEqual([
      texts.slice(0, 2),
      texts.slice(2, 4),
      texts.slice(2, 4),
    ]);
  });

  it('fails with EMBEDDING_FAILED when the endpoint returns the wrong number of vectors', async () => {
    standIn.failNext({
      status: 200,
      body: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [1, 0] }],
        model: 'test-embed',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
    });
    const err = await failureOf(embedder().embed(['a', 'b']));
    expect(err.code).toBe('EMBEDDING_FAILED');
    expect(err.message).toContain('expected 2 vectors, got 1');
  });
});

describe('embedPassages and its vector cache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  const passages = [
    passage('leave.md', 'Leave', 'Annual leave', 'You get 20 days of annual leave a year.'),
    passage('leave.md', 'Leave', 'Sick leave', 'Sick leave needs a doctor’s note after three days.'),
    passage('it.md', 'IT', 'VPN', 'Reset your VPN password in the self-service portal.'),
  ];
  const inputs = () => standIn.embeddingRequests().flatMap((r) => r.input);

  it('embeds every passage into the index and writes the cache', async () => {
    const index = new MemoryVectorIndex();
    const cache = path.join(dir, 'vectors.json');
    const { ids } = await embedPassages(passages, embedder(), index, cache);
    expect(index.size).toBe(3);
    expect(inputs()).toEqual(passages.map(embeddingText));
    expect(embeddingText(passages[0])).toBe('Leave\nAnnual leave\nYou get 20 days of annual leave a year.');
    const written = JSON.parse(readFileSync(cache, 'utf8'));
    expect(written.model).toBe('test-embed');
    expect(Object.values(written.vectors)).toHaveLength(3);
    const [best] = await index.search(embedText('VPN password'), 1);
    expect(best.id).toBe(ids[2]);
  });

  it('reuses the cache: a second run makes no request, and finds the same', async () => {
    const cache = path.join(dir, 'vectors.json');
    await embedPassages(passages, embedder(), new MemoryVectorIndex(), cache);
    standIn.reset();
    const index = new MemoryVectorIndex();
    const { ids } = await embedPassages(passages, embedder(), index, cache);
    expect(standIn.requests).toHaveLength(0);
    expect(index.size).toBe(3);
    expect((await index.search(embedText('sick leave note'), 1))[0].id).toBe(ids[1]);
  });

  it('re-embeds only the passage that changed', async () => {
    const cache = path.join(dir, 'vectors.json');
    await embedPassages(passages, embedder(), new MemoryVectorIndex(), cache);
    standIn.reset();
    const changed = [
      passages[0],
      { ...passages[1], text: 'Sick leave needs a doctor’s note after two days.' },
      passages[2],
    ];
    await embedPassages(changed, embedder(), new MemoryVectorIndex(), cache);
    expect(inputs()).toEqual([embeddingText(changed[1])]);
    // The stale vector is dropped from the cache.
    expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')).vectors)).toHaveLength(3);
  });

  it('embeds identical passages once', async () => {
    await embedPassages([passages[0], passages[0]], embedder(), new MemoryVectorIndex());
    expect(inputs()).toEqual([embeddingText(passages[0])]);
  });

  it('ignores a cache written by another model', async () => {
    const cache = path.join(dir, 'vectors.json');
    await embedPassages(passages, embedder('old-model'), new MemoryVectorIndex(), cache);
    standIn.reset();
    await embedPassages(passages, embedder('new-model'), new MemoryVectorIndex(), cache);
    expect(inputs()).toEqual(passages.map(embeddingText));
    expect(standIn.embeddingRequests()[0].model).toBe('new-model');
    expect(JSON.parse(readFileSync(cache, 'utf8')).model).toBe('new-model');
  });

  it('ignores an unreadable cache file and leaves no temp file behind', async () => {
    const cache = path.join(dir, 'vectors.json');
    writeFileSync(cache, '{not json');
    await embedPassages(passages, embedder(), new MemoryVectorIndex(), cache);
    expect(inputs()).toHaveLength(3);
    expect(JSON.parse(readFileSync(cache, 'utf8')).model).toBe('test-embed');
    expect(existsSync(`${cache}.tmp`)).toBe(false);
  });
});
