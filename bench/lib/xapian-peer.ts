/**
 * The Xapian peer of ../../shared/peers/xapian-bm25.py (untuned BM25 over CJK unigrams + bigrams and
 * Snowball-stemmed English, Debian's python3-xapian), run over Helpline's own passages so that only
 * the ranking differs. Returns null with the reason when the peer cannot run here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Passage, SearchResult } from '../../src/knowledge/types.ts';

export type PeerSearch = (question: string) => SearchResult;

export function xapianPeer(
  script: string,
  passages: Passage[],
  questions: string[],
  python = process.env.HELPLINE_PYTHON ?? '/usr/bin/python3',
): { search: PeerSearch } | { error: string } {
  if (!existsSync(script)) return { error: `no peer script at ${script}` };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helpline-xapian-'));
  try {
    const file = path.join(dir, 'passages.jsonl');
    writeFileSync(
      file,
      passages
        .map((p) => JSON.stringify({ source: p.source, title: p.title, heading: p.heading, text: p.text }))
        .join('\n'),
    );
    const run = spawnSync(python, [script, file], {
      input: questions.map((question) => JSON.stringify({ question })).join('\n'),
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (run.status !== 0)
      return {
        error: `${python} ${path.basename(script)} failed (${run.error?.message ?? run.stderr.trim().split('\n').at(-1)}); apt-get install -y python3-xapian`,
      };
    const byQuery = new Map<string, SearchResult>();
    for (const line of run.stdout.split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { query: string; results: (Passage & { score: number })[] };
      byQuery.set(r.query, {
        query: r.query,
        answerable: r.results.length > 0,
        confidence: 1,
        results: r.results.map((p) => ({ passage: p, score: p.score })),
      });
    }
    return {
      search: (q) => byQuery.get(q) ?? { query: q, answerable: false, confidence: 0, results: [] },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
