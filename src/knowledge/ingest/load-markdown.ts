import { parse as parseYaml } from 'yaml';
import type { SourceDoc } from '../types.ts';
import { cleanMarkdown } from './clean.ts';
import { detectLang } from './detect-lang.ts';
import { decodeText, skip, titleFromFileName } from './load-text.ts';

/** What any loader may know about a document besides its text. */
export interface DocMeta {
  title?: string;
  category?: string;
  /** Declared language in any common spelling (`zh-CN`, `en`); detected from the text when absent. */
  lang?: unknown;
  questions?: string[];
  keywords?: string[];
  owner?: string;
  updated?: string;
  url?: string;
  audience?: string[];
}

export async function loadMarkdown(bytes: Uint8Array, source: string): Promise<SourceDoc> {
  const { data, body } = splitFrontMatter(decodeText(bytes));
  return docFromMarkdown(source, cleanMarkdown(body), frontMatterToMeta(data));
}

/**
 * Separates a leading `---` YAML block from the body. A block that does not parse, is not a mapping,
 * or is never closed makes the file unusable (its metadata would silently vanish), so it is skipped.
 */
export function splitFrontMatter(raw: string): { data: Record<string, unknown>; body: string } {
  const text = raw.replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(text)) return { data: {}, body: text };
  const close = /\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text.slice(3));
  if (!close) throw skip('broken front matter: the opening --- has no closing --- line');
  const yamlText = text.slice(3, 3 + close.index);
  const body = text.slice(3 + close.index + close[0].length);
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw skip(`broken front matter: ${first}`, err);
  }
  if (data === null || data === undefined) return { data: {}, body };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw skip('broken front matter: expected `key: value` lines');
  }
  return { data: data as Record<string, unknown>, body };
}

export function frontMatterToMeta(data: Record<string, unknown>): DocMeta {
  return {
    title: asString(data.title),
    category: asString(data.category),
    lang: data.lang ?? data.language,
    questions: asList(data.questions, /\n/),
    keywords: [...asList(data.keywords, /[,，、;；]/), ...asList(data.tags, /[,，、;；]/)],
    owner: asString(data.owner),
    updated: asString(data.updated),
    url: asString(data.url) ?? asString(data.link),
    audience: asList(data.audience, /[,，、;；\s]+/).map((r) => r.toLowerCase()),
  };
}

/** Builds a SourceDoc from already-cleaned Markdown-like text (also used by the HTML and DOCX paths). */
export function docFromMarkdown(source: string, text: string, meta: DocMeta): SourceDoc {
  const title = meta.title ?? firstH1(text) ?? titleFromFileName(source);
  const doc: SourceDoc = {
    source,
    title,
    text,
    lang: detectLang(`${title}\n${text}`, meta.lang),
    questions: unique(meta.questions ?? []),
    keywords: unique(meta.keywords ?? []),
  };
  if (meta.category) doc.category = meta.category;
  if (meta.owner) doc.owner = meta.owner;
  if (meta.updated) doc.updated = meta.updated;
  if (meta.url) doc.url = meta.url;
  if (meta.audience && meta.audience.length > 0) doc.audience = meta.audience;
  return doc;
}

function firstH1(text: string): string | undefined {
  return /^#[ \t]+(.+?)[ \t]*$/m.exec(text)?.[1];
}

function asString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  return value.trim() || undefined;
}

/** A YAML list, or one string cut at `separator` (keywords are often written `a, b, c`). */
function asList(value: unknown, separator: RegExp): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(separator) : [value];
  return items.map(asString).filter((s): s is string => s !== undefined);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
