/**
 * QdrantVectorIndex with the real @qdrant/js-client-rest against the local stand-in, which checks
 * every request and response against Qdrant's official OpenAPI document: the shared contract,
 * then what only Qdrant has (collections, payload indexes, batching, auth, outages), and
 * openKnowledgeBase choosing Qdrant when QDRANT_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/load.ts';
import { isHelplineError } from '../../src/errors.ts';
import { embedPassages } from '../../src/knowledge/embed-passages.ts';
import { openKnowledgeBase } from '../../src/knowledge/open-kb.ts';
import { QdrantVectorIndex } from '../../src/knowledge/qdrant-vector-index.ts';
import { runChecks } from '../../src/ops/health.ts';
import { startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { passage } from '../support/passages.ts';
import { type QdrantStandIn, startQdrantStandIn } from '../support/qdrant-stand-in.ts';
import { countingEmbedder, describeVectorIndexContract } from './vector-index.contract.ts';

const API_KEY = 'stand-in-key';
let standIn: QdrantStandIn;
beforeAll(async () => {
  standIn = await startQdrantStandIn({ apiKey: API_KEY });
});
afterEach(() => standIn.assertClean());
afterAll(() => standIn.close());

const index = (options: Partial<ConstructorParameters<typeof QdrantVectorIndex>[0]> = {}) =>
  new QdrantVectorIndex({
    url: standIn.url,
    apiKey: API_KEY,
    collection: `test_${randomUUID().slice(0, 8)}`,
    ...options,
  });

describeVectorIndexContract('Qdrant (spec-checked stand-in)', async () => ({
  create: () => index(),
  cleanup: async () => standIn.assertClean(),
}));

const PASSAGES = Array.from({ length: 12 }, (_, i) =>
  passage({
    source: `doc${i}.md`,
    text: `passage ${i} about topic ${i % 3}`,
    category: i % 2 ? 'leave' : undefined,
  }),
);

describe('QdrantVectorIndex', () => {
  beforeEach(() => {
    standIn.requests.length = 0;
  });
  const ops = () => standIn.requests.map((r) => r.operationId);

  it('creates a cosine collection with keyword indexes on lang, source and category, and batches upserts', async () => {
    const idx = index({ batchSize: 5 });
    await embedPassages(PASSAGES, countingEmbedder(), idx);
    const create = standIn.requests.find((r) => r.operationId === 'create_collection');
    expect(create?.body).toEqual({ vectors: { size: 32, distance: 'Cosine' } });
    expect(standIn.requests.filter((r) => r.operationId === 'create_field_index').map((r) => r.body)).toEqual(
      [
        { field_name: 'lang', field_schema: 'keyword' },
        { field_name: 'source', field_schema: 'keyword' },
        { field_name: 'category', field_schema: 'keyword' },
      ],
    );
    const upserts = standIn.requests.filter((r) => r.operationId === 'upsert_points');
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([5, 5, 2]);
    const payloads = [...standIn.payloads(idx.collection).values()];
    expect(payloads).toContainEqual({
      passage: 'doc1.md#',
      source: 'doc1.md',
      lang: 'en',
      category: 'leave',
    });
    expect(payloads).toContainEqual({ passage: 'doc0.md#', source: 'doc0.md', lang: 'en' });
  });

  it('a re-sync with nothing changed only lists ids; a removed passage is one delete', async () => {
    const idx = index();
    await embedPassages(PASSAGES, countingEmbedder(), idx);
    standIn.requests.length = 0;
    await embedPassages(PASSAGES, countingEmbedder(), idx);
    expect(ops()).toEqual(['collection_exists', 'scroll_points']);
    standIn.requests.length = 0;
    await embedPassages(PASSAGES.slice(1), countingEmbedder(), idx);
    expect(ops()).toEqual(['collection_exists', 'scroll_points', 'collection_exists', 'delete_points']);
    expect(standIn.requests.at(-1)?.body).toEqual({ points: [expect.any(String)] });
  });

  it('recreates the collection when the embedding size changes (another model)', async () => {
    const idx = index();
    await idx.upsert([
      { id: randomUUID(), vector: [1, 0, 0], payload: { passage: 'a', source: 'a', lang: 'en' } },
    ]);
    const fresh = new QdrantVectorIndex({ url: standIn.url, apiKey: API_KEY, collection: idx.collection });
    const id = randomUUID();
    await fresh.upsert([{ id, vector: [0, 1, 0, 0], payload: { passage: 'b', source: 'b', lang: 'en' } }]);
    expect(ops()).toContain('delete_collection');
    expect(await fresh.ids()).toEqual(new Set([id]));
  });

  it('another process finds the collection in place and searches in one request; losing it fails readiness', async () => {
    const first = index();
    await embedPassages(PASSAGES, countingEmbedder(), first);
    const second = new QdrantVectorIndex({ url: standIn.url, apiKey: API_KEY, collection: first.collection });
    const sync = await embedPassages(PASSAGES, countingEmbedder(), second);
    expect(sync).toMatchObject({ upserted: 0, deleted: 0, unchanged: PASSAGES.length });
    standIn.requests.length = 0;
    expect(await second.search(new Array(32).fill(0.1), 3)).toHaveLength(3);
    expect(await second.search(new Array(32).fill(0.2), 3)).toHaveLength(3);
    expect(ops()).toEqual(['query_points', 'query_points']);

    await fetch(`${standIn.url}/collections/${first.collection}`, {
      method: 'DELETE',
      headers: { 'api-key': API_KEY },
    });
    await expect(second.ready()).rejects.toThrow(/lost collection .*helpline ingest/);
    await expect(second.search(new Array(32).fill(0.1), 3)).rejects.toMatchObject({
      code: 'VECTORS_UNAVAILABLE',
    });
  });

  it('reports a wrong API key as VECTORS_UNAVAILABLE naming QDRANT_API_KEY', async () => {
    const idx = index({ apiKey: 'wrong' });
    const err = await idx.ready().catch((e: unknown) => e);
    expect(isHelplineError(err, 'VECTORS_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/QDRANT_API_KEY/);
  });

  it('reports an unreachable Qdrant as VECTORS_UNAVAILABLE naming QDRANT_URL, without credentials', async () => {
    const idx = new QdrantVectorIndex({
      url: 'http://user:secret@127.0.0.1:9',
      collection: 'nowhere',
      timeoutMs: 1000,
    });
    expect(idx.label).not.toContain('secret');
    const err = await idx.ready().catch((e: unknown) => e);
    expect(isHelplineError(err, 'VECTORS_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/QDRANT_URL/);
    expect((err as Error).message).not.toContain('secret');
  });

  it('is a readiness check: /readyz reports an outage with what to check', async () => {
    const idx = index();
    expect(await runChecks({ vectors: () => idx.ready() }, 2000)).toEqual({
      status: 'ready',
      checks: { vectors: 'ok' },
    });
    standIn.failNext(1);
    const report = await runChecks({ vectors: () => idx.ready() }, 2000);
    expect(report.status).toBe('not_ready');
    expect(report.checks.vectors).toMatch(/^error: Qdrant readiness failed .*QDRANT_URL/);
  });

  it('fails a search during an outage, so KnowledgeBase falls back to lexical', async () => {
    const idx = index();
    await idx.upsert([
      { id: randomUUID(), vector: [1, 0], payload: { passage: 'a', source: 'a', lang: 'en' } },
    ]);
    standIn.failNext(1);
    await expect(idx.search([1, 0], 1)).rejects.toMatchObject({ code: 'VECTORS_UNAVAILABLE' });
    expect(await idx.search([1, 0], 1)).toHaveLength(1);
  });
});

describe('the stand-in holds the client to the spec', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${standIn.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': API_KEY },
      body: JSON.stringify(body),
    });

  it('fails a request whose body the spec rejects, and records it', async () => {
    const res = await post('/collections/any/points/query', { query: [1, 0], limit: -1 });
    expect(res.status).toBe(500);
    expect(standIn.violations.join('\n')).toMatch(/query_points request: body\/limit/);
    standIn.violations.length = 0;
  });

  it('fails an operation the spec does not have (the legacy /points/search)', async () => {
    const res = await post('/collections/any/points/search', { vector: [1, 0], limit: 1 });
    expect(res.status).toBe(404);
    expect(standIn.violations.join('\n')).toMatch(/no such operation/);
    standIn.violations.length = 0;
  });
});

describe('openKnowledgeBase with QDRANT_URL', () => {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it('keeps the vectors in Qdrant, and a second start writes nothing', async () => {
    const openai = await startOpenAiStandIn({ apiKey: 'k' });
    try {
      const kbDir = mkdtempSync(join(tmpdir(), 'helpline-kb-'));
      const dataDir = mkdtempSync(join(tmpdir(), 'helpline-data-'));
      dirs.push(kbDir, dataDir);
      writeFileSync(join(kbDir, 'vpn.md'), '# VPN\n\n## Reset\n\nReset your VPN password in the portal.\n');
      writeFileSync(join(kbDir, 'leave.md'), '# Leave\n\n## Annual\n\nRequest annual leave in e-HR.\n');
      const env = {
        HELPLINE_KB: kbDir,
        HELPLINE_DATA: dataDir,
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'k',
        HELPLINE_EMBEDDING_MODEL: 'test-embed',
        QDRANT_URL: standIn.url,
        QDRANT_API_KEY: API_KEY,
      };
      const config = loadConfig({ env });
      const opened = await openKnowledgeBase(config);
      expect(opened.dense).toBe(true);
      expect(opened.vectors?.index.label).toMatch(
        /^Qdrant at http:\/\/127\.0\.0\.1:\d+, collection helpline_/,
      );
      expect(opened.vectors?.sync).toMatchObject({ upserted: 2, deleted: 0 });
      await expect(opened.vectors?.index.ready()).resolves.toBeUndefined();
      expect((await opened.kb.search('VPN password reset')).results[0].passage.source).toBe('vpn.md');

      const again = await openKnowledgeBase(config);
      expect(again.vectors?.sync).toMatchObject({ upserted: 0, deleted: 0, unchanged: 2 });

      // `helpline ingest --json` says what the sync wrote.
      writeFileSync(
        join(kbDir, 'leave.md'),
        '# Leave\n\n## Annual\n\nRequest annual leave in e-HR by Friday.\n',
      );
      const saved = { ...process.env };
      Object.assign(process.env, env);
      const out: string[] = [];
      try {
        const io = {
          out: (t: string) => out.push(t),
          err: () => {},
          lines: async function* () {},
          tty: false,
        };
        expect(await main(['ingest', '--json'], io)).toBe(0);
      } finally {
        for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
      expect(JSON.parse(out.join('')).vectors).toEqual({
        index: opened.vectors?.index.label,
        upserted: 1,
        deleted: 1,
        unchanged: 1,
      });

      // Qdrant down at start fails the start, like PostgreSQL; an embeddings outage would not.
      const down = loadConfig({ env: { ...env, QDRANT_URL: 'http://127.0.0.1:9' } });
      await expect(openKnowledgeBase(down)).rejects.toMatchObject({ code: 'VECTORS_UNAVAILABLE' });
    } finally {
      await openai.close();
    }
  });
});
