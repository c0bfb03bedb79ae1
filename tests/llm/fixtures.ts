/** Passages, search results and temp folders for the LLM and embedding tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type HelplineError, isHelplineError } from '../../src/errors.ts';
import type { Lang, Passage, SearchResult } from '../../src/knowledge/types.ts';

export function passage(
  source: string,
  title: string,
  heading: string,
  text: string,
  lang: Lang = 'en',
): Passage {
  const slug = heading.toLowerCase().replace(/\W+/g, '-');
  return { id: `${source}#${slug}`, source, title, heading, text, lang, questions: [], keywords: [] };
}

/** An answerable result with the given passages, best first. */
export function resultOf(query: string, passages: Passage[], answerable = true): SearchResult {
  return {
    query,
    answerable,
    confidence: answerable ? 0.8 : 0.2,
    results: passages.map((p, i) => ({ passage: p, score: 1 - i * 0.1 })),
  };
}

export async function tempDir(
  prefix = 'helpline-llm-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The coded error a promise rejects with; anything else fails the test. */
export async function failureOf(p: Promise<unknown>): Promise<HelplineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHelplineError(err)) throw new Error(`expected a HelplineError, got ${String(err)}`);
  return err;
}
