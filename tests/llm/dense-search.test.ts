/** Hybrid search: lexical and dense lists fused by reciprocal rank fusion, embeddings from the stand-in. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embedPassages } from '../../src/knowledge/embed-passages.ts';
import { reciprocalRankFusion } from '../../src/knowledge/fusion.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { OpenAiEmbedder } from '../../src/knowledge/openai-embedder.ts';
import { MemoryVectorIndex } from '../../src/knowledge/vector-index.ts';
import { openAiClient } from '../../src/llm/openai-client.ts';
import { embedText, type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { passage } from './fixtures.ts';

describe('reciprocalRankFusion', () => {
  it('scores a single list 1 / (60 + rank)', () => {
    expect(reciprocalRankFusion([[7, 3, 9]])).toEqual([
      { doc: 7, score: 1 / 61 },
      { doc: 3, score: 1 / 62 },
      { doc: 9, score: 1 / 63 },
    ]);
  });

  it('ranks a document both lists found above one only a single list ranks first', () => {
    const fused = reciprocalRankFusion([
      [1, 2],
      [3, 2],
    ]);
    expect(fused.map((f) => f.doc)).toEqual([2, 1, 3]);
    expect(fused[0].score).toBeCloseTo(2 / 62, 12);
  });

  it('breaks ties by document number, so results are stable', () => {
    expect(reciprocalRankFusion([[5], [3]]).map((f) => f.doc)).toEqual([3, 5]);
  });

  it('takes k: a small k rewards the top ranks more', () => {
    expect(reciprocalRankFusion([[4, 8]], 0)).toEqual([
      { doc: 4, score: 1 },
      { doc: 8, score: 1 / 2 },
    ]);
  });

  it('fuses nothing into nothing, and skips an empty list', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], [2]])).toEqual([{ doc: 2, score: 1 / 61 }]);
  });
});

const PASSAGES = [
  passage(
    'it.md',
    'IT',
    'Hardware repair',
    'Bring a broken computer to the IT service desk on floor 3; they lend you a spare while yours is repaired.',
  ),
  passage(
    'leave.md',
    'Leave',
    'Annual leave',
    'You get 20 days of annual leave a year; request it in the HR portal.',
  ),
  passage('it.md', 'IT', 'VPN', 'Reset your VPN password in the self-service portal.'),
  passage('expenses.md', 'Expenses', 'Claims', 'Submit expense claims with receipts within 30 days.'),
  passage('facilities.md', 'Facilities', 'Parking', 'Parking permits are issued by reception.'),
];
/** Words the lexical index has no link between, but the "model" knows mean the same. */
const CONCEPTS = { notebook: 'computer', busted: 'broken', mend: 'repair', repaired: 'repair' };
const UNSEEN_WORDS = 'My notebook is busted, who can mend it?';

let standIn: OpenAiStandIn;
let index: MemoryVectorIndex;
let ids: string[];
let embedder: OpenAiEmbedder;
let kb: KnowledgeBase;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key', concepts: CONCEPTS });
  embedder = new OpenAiEmbedder(openAiClient({ baseURL: standIn.url, apiKey: 'test-key' }), 'test-embed');
  index = new MemoryVectorIndex();
  ids = (await embedPassages(PASSAGES, embedder, index)).ids;
  kb = new KnowledgeBase(PASSAGES, { dense: { embedder, index, ids } });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

describe('KnowledgeBase.search with dense retrieval', () => {
  it('embeds the query and fuses the lexical and dense rankings', async () => {
    const query = 'reset my VPN password or book annual leave';
    const result = await kb.search(query, 3);
    expect(standIn.embeddingRequests().map((r) => r.input)).toEqual([[query]]);
    const lexical = kb.searchLexical(query, 50).results.map((r) => PASSAGES.indexOf(r.passage));
    const [vector] = await embedder.embed([query]);
    const dense = (await index.search(vector, 50)).map((h) => ids.indexOf(h.id));
    const fused = reciprocalRankFusion([lexical, dense]).slice(0, 3);
    expect(result.results.map((r) => PASSAGES.indexOf(r.passage))).toEqual(fused.map((f) => f.doc));
    expect(result.results.map((r) => r.score)).toEqual(fused.map((f) => f.score));
  });

  it('sends the embeddings endpoint the question with personal data masked', async () => {
    await kb.search('my card 6222021234567890128 was charged twice, phone 13812345678', 3);
    const [[sent]] = standIn.embeddingRequests().map((r) => r.input);
    expect(sent).not.toMatch(/6222021234567890128|13812345678/);
    expect(sent).toMatch(/charged twice/);
  });

  it('finds a passage only the dense list has, and answers because the meaning vouches for it', async () => {
    expect(kb.searchLexical(UNSEEN_WORDS).results.map((r) => r.passage.heading)).not.toContain(
      'Hardware repair',
    );
    expect(kb.searchLexical(UNSEEN_WORDS).answerable).toBe(false);
    const result = await kb.search(UNSEEN_WORDS);
    expect(result.results[0].passage.heading).toBe('Hardware repair');
    expect(result.answerable).toBe(true);
    expect(result.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('answers when the words vouch even if the meaning does not', async () => {
    // An embedding model that understands nothing: the query lands far from every passage.
    standIn.embed = () => embedText('zebra quartz');
    const query = 'How many days of annual leave do I get?';
    const [vector] = await embedder.embed([query]);
    expect((await index.search(vector, 1))[0].score).toBeLessThan(0.35);
    const result = await kb.search(query);
    expect(result.results[0].passage.heading).toBe('Annual leave');
    expect(result.answerable).toBe(true);
  });

  it('declines when neither signal vouches', async () => {
    const result = await kb.search('What time does the shuttle bus leave Shenzhen?');
    expect(result.answerable).toBe(false);
  });

  it('without an embedder, search is lexical and makes no request', async () => {
    const lexicalOnly = new KnowledgeBase(PASSAGES);
    expect(await lexicalOnly.search('VPN password')).toEqual(lexicalOnly.searchLexical('VPN password'));
    expect(standIn.requests).toHaveLength(0);
  });
});
