/** The data that flows through ingestion and retrieval. */

export type Lang = 'zh' | 'en';

/** One source file after loading and cleaning, before splitting. */
export interface SourceDoc {
  /** Path relative to the KB folder, with forward slashes (the `source` of the CLI contract). */
  source: string;
  /** From front matter, else the first `#` heading, else the file name. */
  title: string;
  /** Markdown-like text: headings as `#` lines, paragraphs separated by blank lines, no template tags. */
  text: string;
  lang: Lang;
  category?: string;
  /** Alternate phrasings of the questions this article answers (front matter `questions`). */
  questions: string[];
  /** Extra search words (front matter `keywords`/`tags`). */
  keywords: string[];
  owner?: string;
  updated?: string;
  /** Link shown in citations (front matter `url`/`link`), if any. */
  url?: string;
  /** Who may be cited this (front matter `audience: [hr_admin, l2]`); everyone when absent. */
  audience?: string[];
}

/** A retrievable unit: one section (or part of a long one) of a document. */
export interface Passage {
  /** Stable id: `${source}#${slug of heading path}` plus `~n` for the n-th part of a long section. */
  id: string;
  source: string;
  title: string;
  /** Heading path below the title, joined with ' › ' ('' for the text before the first heading). */
  heading: string;
  text: string;
  lang: Lang;
  category?: string;
  /** The document's alternate questions and keywords, searchable with a boost. */
  questions: string[];
  keywords: string[];
  url?: string;
  /** The document's audience: only these roles (and admins) are cited this passage. */
  audience?: string[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface IngestSummary {
  files: number;
  /** Files parsed this run (new or changed content hash). */
  parsed: number;
  /** Files reused from the cache because their content hash did not change. */
  unchanged: number;
  passages: number;
  skipped: SkippedFile[];
  ms: number;
}

export interface IngestResult {
  passages: Passage[];
  summary: IngestSummary;
}

export interface ScoredPassage {
  passage: Passage;
  score: number;
}

export interface SearchResult {
  query: string;
  answerable: boolean;
  /** 0..1, how well the best passage covers the question; `answerable` is this against a threshold. */
  confidence: number;
  results: ScoredPassage[];
  /** Phrases the search also looked for (synonyms of the question's words), for answer selection. */
  related?: string[];
}
