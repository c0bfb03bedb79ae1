import { type HTMLElement, type Node, NodeType, parse } from 'node-html-parser';
import type { SourceDoc } from '../types.ts';
import { normalizeWhitespace, stripTemplates } from './clean.ts';
import { docFromMarkdown } from './load-markdown.ts';
import { decodeText } from './load-text.ts';

/**
 * Page furniture, metadata and non-text: their words would match questions they do not answer.
 * (`title` is read separately; it is listed for pages that put it outside <head>.)
 */
const DROPPED = new Set([
  'script',
  'style',
  'nav',
  'noscript',
  'template',
  'svg',
  'head',
  'title',
  'meta',
  'link',
  'iframe',
  'img',
  'button',
]);

const BLOCKS = new Set([
  'p',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'aside',
  'blockquote',
  'figure',
  'figcaption',
  'address',
  'details',
  'summary',
  'hr',
  'body',
  'html',
  'form',
  'fieldset',
]);

export async function loadHtml(bytes: Uint8Array, source: string): Promise<SourceDoc> {
  return docFromHtml(source, decodeText(bytes));
}

/** Shared by HTML files and DOCX (which mammoth turns into HTML), so both keep their headings. */
export function docFromHtml(source: string, html: string): SourceDoc {
  // The parser would keep a doctype or XML declaration as text.
  const markup = stripTemplates(html).replace(/<!doctype[^>]*>|<\?xml[^>]*\?>/gi, '');
  const root = parse(markup, { comment: false, blockTextElements: { pre: true } });
  const title = collapse(root.querySelector('title')?.text ?? '') || undefined;
  const keywords = root.querySelector('meta[name="keywords"]')?.getAttribute('content');
  return docFromMarkdown(source, htmlToMarkdown(root), {
    title,
    lang: root.querySelector('html')?.getAttribute('lang'),
    keywords: keywords
      ? keywords
          .split(/[,，、]/)
          .map((k) => k.trim())
          .filter(Boolean)
      : [],
  });
}

/** h1–h6 become `#` lines, blocks become paragraphs, table rows become `a | b` lines. */
export function htmlToMarkdown(root: HTMLElement): string {
  const blocks: string[] = [];
  let inline = '';
  const flush = () => {
    const text = inline
      .split('\n')
      .map((l) => collapse(l))
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    if (text) blocks.push(text);
    inline = '';
  };
  const walk = (node: Node): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      inline += node.text.replace(/[ \t\r\n\f]+/g, ' ');
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const el = node as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (DROPPED.has(tag)) return;
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      flush();
      const text = collapse(el.text);
      if (text) blocks.push(`${'#'.repeat(Number(heading[1]))} ${text}`);
    } else if (tag === 'br') {
      inline += '\n';
    } else if (tag === 'pre') {
      flush();
      blocks.push(el.text.replace(/^\n+|\s+$/g, ''));
    } else if (tag === 'table') {
      flush();
      blocks.push(tableRows(el).join('\n'));
    } else if (BLOCKS.has(tag)) {
      flush();
      for (const child of el.childNodes) walk(child);
      flush();
    } else {
      for (const child of el.childNodes) walk(child);
    }
  };
  walk(root);
  flush();
  return normalizeWhitespace(blocks.join('\n\n'));
}

function tableRows(table: HTMLElement): string[] {
  return table
    .querySelectorAll('tr')
    .map((tr) =>
      tr.childNodes
        .filter((c): c is HTMLElement => c.nodeType === NodeType.ELEMENT_NODE)
        .filter((c) => c.rawTagName.toLowerCase() === 'td' || c.rawTagName.toLowerCase() === 'th')
        .map((cell) => collapse(cell.text))
        .join(' | '),
    )
    .filter((row) => row.replace(/[|\s]/g, '') !== '');
}

/** ASCII whitespace only: an ideographic space (U+3000) is part of the wording and stays. */
function collapse(text: string): string {
  return text.replace(/[ \t\r\n\f]+/g, ' ').replace(/^[ \t\r\n\f]+|[ \t\r\n\f]+$/g, '');
}
