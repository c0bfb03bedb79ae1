import { TextSplitter } from '@langchain/textsplitters';
import type { Passage, SourceDoc } from '../types.ts';

import { resolveSplitOptions, type SplitOptions } from './split-options.ts';

export { DEFAULT_SPLIT_OPTIONS, resolveSplitOptions, type SplitOptions } from './split-options.ts';

/** Joins a heading path for display and for `Passage.heading`. */
export const HEADING_SEPARATOR = ' › ';

const ARTICLE_NUMBER = '[一二三四五六七八九十百千零〇0-9]+';

/**
 * Where a long section may be cut, best first. All are zero-width (lookarounds), so the parts put
 * back together are exactly the original text and every passage is a verbatim substring of the source.
 */
export const CUT_POINTS: readonly RegExp[] = [
  // Before a paragraph or line that starts a statute article (第十条 …): an article is the unit of law.
  new RegExp(`(?<!\\n)(?=\\n+[ \\t\\u3000]*第${ARTICLE_NUMBER}条)`),
  /(?<!\n)(?=\n\n)/, // paragraph
  /(?=\n)/, // line
  /(?<=[。！？])|(?<=[.!?])(?=\s)/, // sentence end
  /(?<=[；;])/, // clause
  /(?<=[，、])|(?<=,)(?=\s)/, // comma (not inside 1,000)
  /(?=[ \t])/, // word
];

/**
 * LangChain's RecursiveCharacterTextSplitter algorithm over regular expressions: its separators are
 * literal strings, and statute article starts and sentence ends need patterns. Merging parts up to
 * `chunkSize` with `chunkOverlap` is LangChain's own `mergeSplits`.
 */
class PatternSplitter extends TextSplitter {
  async splitText(text: string): Promise<string[]> {
    return this.cut(text, CUT_POINTS);
  }

  private async cut(text: string, cutPoints: readonly RegExp[]): Promise<string[]> {
    for (const [i, cutPoint] of cutPoints.entries()) {
      const pieces = text.split(cutPoint).filter((p) => p !== '');
      if (pieces.length > 1) return this.merge(pieces, cutPoints.slice(i + 1));
    }
    return this.hardCut(text);
  }

  /** Small pieces are merged up to chunkSize; a piece that is too big is cut at the next finer point. */
  private async merge(pieces: string[], finer: readonly RegExp[]): Promise<string[]> {
    const chunks: string[] = [];
    let small: string[] = [];
    for (const piece of pieces) {
      if (piece.length < this.chunkSize) {
        small.push(piece);
        continue;
      }
      chunks.push(...(await this.mergeSplits(small, '')), ...(await this.cut(piece, finer)));
      small = [];
    }
    chunks.push(...(await this.mergeSplits(small, '')));
    return chunks;
  }

  /**
   * No cut point at all (a long URL, a blob, CJK without punctuation): fixed windows with the overlap.
   * Same result as LangChain's character-level fallback, without merging a million one-character pieces.
   */
  private hardCut(text: string): string[] {
    const chars = Array.from(text); // code points, so a surrogate pair is never cut in half
    const step = this.chunkSize - this.chunkOverlap;
    const chunks: string[] = [];
    for (let start = 0; start < chars.length; start += step) {
      const chunk = chars
        .slice(start, start + this.chunkSize)
        .join('')
        .trim();
      if (chunk) chunks.push(chunk);
      if (start + this.chunkSize >= chars.length) break;
    }
    return chunks;
  }
}

interface Section {
  path: string[];
  text: string;
}

/** Splits on headings, then cuts long sections; ids are stable as long as the headings do not change. */
export async function splitDoc(doc: SourceDoc, options: SplitOptions = {}): Promise<Passage[]> {
  const opts = resolveSplitOptions(options);
  const splitter = new PatternSplitter({ chunkSize: opts.chunkSize, chunkOverlap: opts.chunkOverlap });
  const usedIds = new Set<string>();
  const passages: Passage[] = [];
  for (const section of sections(doc)) {
    const text = section.text.trim();
    if (!text) continue;
    const parts = text.length > opts.maxChars ? await splitter.splitText(text) : [text];
    const baseId = uniqueId(`${doc.source}#${section.path.map(slug).join('/')}`, usedIds);
    parts.forEach((part, n) => {
      passages.push(toPassage(doc, n === 0 ? baseId : `${baseId}~${n + 1}`, section.path, part));
    });
  }
  return passages;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Cuts the text at headings (not inside code fences) and tracks each section's heading path. */
function sections(doc: SourceDoc): Section[] {
  const out: Section[] = [{ path: [], text: '' }];
  const stack: { level: number; text: string }[] = [];
  let titleSeen = false;
  let fence: string | null = null;
  for (const line of doc.text.split('\n')) {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fenceMark && (fence === null || (fenceMark[0] === fence[0] && fenceMark.length >= fence.length))) {
      fence = fence === null ? fenceMark : null;
    }
    const m = fence === null ? HEADING.exec(line) : null;
    if (!m) {
      out[out.length - 1].text += `${line}\n`;
      continue;
    }
    const level = m[1].length;
    const text = m[2].trim();
    while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
    // The title is already in `Passage.title`; repeating it in every path would only add noise.
    const isTitle = level === 1 && !titleSeen && sameText(text, doc.title);
    if (isTitle) titleSeen = true;
    else stack.push({ level, text });
    out.push({ path: stack.map((h) => h.text), text: '' });
  }
  return out;
}

function toPassage(doc: SourceDoc, id: string, path: string[], text: string): Passage {
  const passage: Passage = {
    id,
    source: doc.source,
    title: doc.title,
    heading: path.join(HEADING_SEPARATOR),
    text,
    lang: doc.lang,
    questions: doc.questions,
    keywords: doc.keywords,
  };
  if (doc.category) passage.category = doc.category;
  if (doc.audience) passage.audience = doc.audience;
  if (doc.url) passage.url = doc.url;
  return passage;
}

/** Lower-case letters and digits of any script, other runs become `-`: `第一章 总则` → `第一章-总则`. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

/** Two sections with the same heading path get `-2`, `-3`… in document order. */
function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  return norm(a) === norm(b);
}
