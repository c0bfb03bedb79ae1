import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { SourceDoc } from '../types.ts';
import { normalizeWhitespace } from './clean.ts';
import { docFromMarkdown } from './load-markdown.ts';
import { skip, titleFromFirstLine } from './load-text.ts';

/**
 * PDF text by page (PDFs have no headings to split on, so passages come from size-based splitting).
 * Title: the document's Title metadata, else its first short line, else the file name.
 */
export async function loadPdf(bytes: Uint8Array, source: string): Promise<SourceDoc> {
  if (!hasPdfHeader(bytes)) throw skip('not a PDF (no %PDF- header)');
  let pages: string[];
  let metaTitle: unknown;
  try {
    // pdf.js wants a plain Uint8Array (not a Buffer) and detaches it, so hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
      metaTitle = (await getMeta(pdf)).info.Title;
    } finally {
      await pdf.loadingTask.destroy();
    }
  } catch (err) {
    throw skip(`unreadable PDF: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const text = normalizeWhitespace(pages.map((p) => p.trim()).join('\n\n'));
  if (!text) throw skip('PDF has no extractable text (a scanned PDF needs OCR first)');
  const title =
    typeof metaTitle === 'string' && metaTitle.trim() ? metaTitle.trim() : titleFromFirstLine(text);
  return docFromMarkdown(source, text, { title });
}

/** Readers accept the header anywhere in the first 1 KiB (some generators prepend junk). */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-');
}
