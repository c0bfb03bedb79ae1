import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { buildMeaningIndex, windowsOf } from '../../src/knowledge/meaning/meaning-index.ts';
import {
  englishEncoder,
  rationQuestions,
  type SentenceEncoder,
} from '../../src/knowledge/meaning/sentence-encoder.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { passage, SAMPLE } from '../support/passages.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'helpline-meaning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real encoder, counting the texts it is asked to encode. */
function counting(): SentenceEncoder & { texts: string[] } {
  const real = englishEncoder();
  const texts: string[] = [];
  return {
    model: real.model,
    dim: real.dim,
    texts,
    nearest(question, table, n) {
      texts.push(question);
      return real.nearest(question, table, n);
    },
    encode(batch) {
      texts.push(...batch);
      return real.encode(batch);
    },
  };
}

describe('windowsOf', () => {
  it('heads each window with the title and heading and cuts the text at sentence ends', () => {
    const sentence = 'Annual leave accrues every pay period for full-time staff members. ';
    const p = passage({
      source: 'en/leave.md',
      title: 'Leave',
      heading: 'Accrual',
      text: sentence.repeat(20),
    });
    const windows = windowsOf(p);
    expect(windows.length).toBeGreaterThan(2);
    for (const w of windows) {
      expect(w.startsWith('Leave. Accrual. Annual leave')).toBe(true);
      expect(w.trimEnd().endsWith('members.')).toBe(true);
      expect(w.length).toBeLessThanOrEqual('Leave. Accrual. '.length + 450);
    }
  });

  it('gives a short or headless passage one window', () => {
    expect(windowsOf(passage({ source: 'a.md', title: '', text: 'VPN portal.' }))).toEqual(['VPN portal.']);
    expect(windowsOf(passage({ source: 'a.md', title: 'T', text: '' }))).toEqual(['T. ']);
  });
});

describe('buildMeaningIndex with the shipped encoder', () => {
  const passages = [
    passage({
      source: 'en/leave.md',
      title: 'Annual leave',
      text: 'Full-time staff earn four hours of vacation every pay period.',
    }),
    passage({
      source: 'en/vpn.md',
      title: 'VPN',
      text: 'Install the GlobalProtect client and sign in with SSO.',
    }),
    passage({
      source: 'en/badge.md',
      title: 'Building access',
      text: 'Lost badges are replaced at the front desk within a day.',
    }),
    passage({ source: 'zh/leave.md', title: '年假', text: '员工每年享有五天带薪年休假。' }),
  ];

  it('finds the passage that means what the question asks, with no word in common', async () => {
    const index = await buildMeaningIndex(passages, englishEncoder(), {
      cacheFile: path.join(dir, 'a.json'),
    });
    expect(index?.windows).toBe(3); // only the English passages
    const hits = (await index!.search('how much time off do I accumulate', 3)) ?? [];
    expect(hits[0].doc).toBe(0);
    expect(hits.map((h) => h.doc)).not.toContain(3);
    expect((await index!.search('my door card is gone', 3))?.[0].doc).toBe(2);
  }, 60_000);

  it('encodes only windows it has not cached, and says how far it got', async () => {
    const cacheFile = path.join(dir, 'b.json');
    const first = counting();
    const progress: number[] = [];
    await buildMeaningIndex(passages, first, { cacheFile, onProgress: (done) => progress.push(done) });
    expect(first.texts).toHaveLength(3);
    expect(progress.at(-1)).toBe(3);
    const changed = [
      ...passages,
      passage({ source: 'en/new.md', title: 'Parking', text: 'Parking is free.' }),
    ];
    const second = counting();
    const index = await buildMeaningIndex(changed, second, { cacheFile });
    expect(second.texts).toEqual(['Parking. Parking is free.']);
    expect(index?.windows).toBe(4);
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')).vectors)).toHaveLength(4);
  }, 60_000);

  it('encodes a damaged cache entry again, and reads past a damaged cache file', async () => {
    const cacheFile = path.join(dir, 'damaged.json');
    await buildMeaningIndex(passages, englishEncoder(), { cacheFile });
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const [first, second] = Object.keys(cache.vectors);
    cache.vectors[first] = 'AAAA';
    cache.vectors[second] = 42;
    writeFileSync(cacheFile, JSON.stringify(cache));
    const again = counting();
    const index = await buildMeaningIndex(passages, again, { cacheFile });
    expect(again.texts).toHaveLength(2);
    expect(index?.windows).toBe(3);
    writeFileSync(cacheFile, '{not json');
    const fresh = counting();
    await buildMeaningIndex(passages, fresh, { cacheFile });
    expect(fresh.texts).toHaveLength(3);
  }, 60_000);

  it('builds nothing for a KB without English', async () => {
    const none = counting();
    expect(
      await buildMeaningIndex([passages[3]], none, { cacheFile: path.join(dir, 'c.json') }),
    ).toBeUndefined();
    expect(none.texts).toEqual([]);
  });
});

describe('KnowledgeBase with meaning', () => {
  const extra = passage({
    source: 'en/badge.md',
    title: 'Building access',
    heading: 'Lost badges',
    text: 'Lost badges are replaced at the front desk within a day; bring photo ID.',
  });
  const passages = [...SAMPLE, extra];

  it('ranks by words and meaning for English questions; Chinese ones by words only', async () => {
    const kb = new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS });
    const question = 'I misplaced my door card';
    const lexical = await kb.search(question, 3);
    expect(lexical.results[0]?.passage.source).not.toBe('en/badge.md');
    const index = await buildMeaningIndex(passages, englishEncoder(), {
      cacheFile: path.join(dir, 'kb.json'),
    });
    kb.useMeaning(index!);
    expect(kb.meaningReady).toBe(true);
    const fused = await kb.search(question, 3);
    expect(fused.results[0].passage.source).toBe('en/badge.md');
    // Answerability is the words' alone: meaning never vouches for a question.
    expect(fused.answerable).toBe(false);
    expect((await kb.search('where is my pay stub', 3)).results[0].passage.source).toBe('en/payslip.md');
    expect((await kb.search('怎么请年假', 3)).results[0].passage.source).toBe('zh/leave.md');
  }, 60_000);

  it('keeps a reader to passages its role may read', async () => {
    const restricted = passages.map((p) =>
      p.source === 'en/badge.md' ? { ...p, audience: ['hr_admin'] } : p,
    );
    const kb = new KnowledgeBase(restricted, { synonyms: DEFAULT_SYNONYMS });
    kb.useMeaning(
      (await buildMeaningIndex(restricted, englishEncoder(), { cacheFile: path.join(dir, 'kb.json') }))!,
    );
    const r = await kb.search('I misplaced my door card', 5, { reader: 'employee' });
    expect(r.results.map((x) => x.passage.source)).not.toContain('en/badge.md');
    const hr = await kb.search('I misplaced my door card', 5, { reader: 'hr_admin' });
    expect(hr.results[0].passage.source).toBe('en/badge.md');
  }, 60_000);

  it('answers by words alone when the encoder fails, and says so', async () => {
    const errors: unknown[] = [];
    const kb = new KnowledgeBase(passages, {
      synonyms: DEFAULT_SYNONYMS,
      onDenseError: (e) => errors.push(e),
    });
    const index = await buildMeaningIndex(passages, englishEncoder(), {
      cacheFile: path.join(dir, 'kb.json'),
    });
    const broken: SentenceEncoder = {
      model: englishEncoder().model,
      dim: 512,
      encode: () => Promise.reject(new Error('boom')),
      nearest: () => Promise.reject(new Error('boom')),
    };
    // Same cached vectors, an encoder that fails on the question.
    kb.useMeaning((await buildMeaningIndex(passages, broken, { cacheFile: path.join(dir, 'kb.json') }))!);
    expect(index).toBeDefined();
    const r = await kb.search('where is my pay stub', 3);
    expect(r.results[0].passage.source).toBe('en/payslip.md');
    expect(errors).toHaveLength(1);
  }, 60_000);

  it('answers by words alone, at once, while the encoder is busy', async () => {
    const errors: unknown[] = [];
    const kb = new KnowledgeBase(passages, {
      synonyms: DEFAULT_SYNONYMS,
      onDenseError: (e) => errors.push(e),
    });
    const calls: string[][] = [];
    const busy: SentenceEncoder = {
      model: englishEncoder().model,
      dim: 512,
      encode: (texts) => {
        calls.push(texts);
        return englishEncoder().encode(texts);
      },
      nearest: async () => undefined,
    };
    kb.useMeaning((await buildMeaningIndex(passages, busy, { cacheFile: path.join(dir, 'kb.json') }))!);
    const r = await kb.search('I misplaced my door card', 3);
    expect(r).toEqual(kb.searchLexical('I misplaced my door card', 3));
    expect(calls).toEqual([]); // every window was cached; the question was not encoded
    expect(errors).toEqual([]);
  });

  it('does not encode a question behind a call in progress', async () => {
    const encoder = englishEncoder();
    const [badge, vpn] = await encoder.encode([
      'Lost badges are replaced at the front desk.',
      'Install the VPN client.',
    ]);
    const vectors = new Float32Array(new SharedArrayBuffer(2 * 512 * 4));
    vectors.set(badge, 0);
    vectors.set(vpn, 512);
    const owner = new Int32Array(new SharedArrayBuffer(8));
    owner.set([7, 9]);
    const table = { vectors, owner, dim: 512 };
    const seen: string[] = [];
    rationQuestions(1, (outcome) => seen.push(outcome)); // counted, as a server counts them (metrics)
    const call = encoder.encode(['Lost badges are replaced at the front desk.']);
    expect(await encoder.nearest('where do I get a new badge', table, 2)).toBeUndefined();
    await call;
    const hits = await encoder.nearest('where do I get a new badge', table, 2);
    rationQuestions(1);
    expect(seen).toEqual(['words_only', 'meaning']);
    expect(hits?.map((h) => h.owner)).toEqual([7, 9]);
    expect(hits?.[0].score).toBeGreaterThan(hits?.[1].score ?? 1);
  }, 60_000);
});

describe('the encoder thread', () => {
  it('does not keep a command running once its work is done (started, used, or only warmed)', () => {
    const encoderUrl = new URL('../../src/knowledge/meaning/sentence-encoder.ts', import.meta.url).href;
    for (const body of [
      'englishEncoder().warm();',
      "console.log((await englishEncoder().encode(['hello']))[0].length);",
    ]) {
      const script = path.join(dir, `exits-${body.length}.mjs`);
      writeFileSync(script, `import { englishEncoder } from ${JSON.stringify(encoderUrl)};\n${body}\n`);
      const run = spawnSync(process.execPath, [script], { timeout: 30_000, encoding: 'utf8' });
      expect(run.signal, run.stderr).toBeNull();
      expect(run.status, run.stderr).toBe(0);
    }
  }, 60_000);
});
