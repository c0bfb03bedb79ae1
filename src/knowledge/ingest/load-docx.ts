import mammoth from 'mammoth';
import type { SourceDoc } from '../types.ts';
import { docFromHtml } from './load-html.ts';
import { skip } from './load-text.ts';

/** Word's "Title" style is the document title; mammoth's default map would turn it into a plain <p>. */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"];

/** Images carry no answerable text; skipping them also avoids base64-encoding every embedded picture. */
const NO_IMAGES = mammoth.images.imgElement(async () => ({ src: '' }));

/** DOCX → HTML (mammoth keeps Heading 1–6 as h1–h6) → the HTML path, so headings survive. */
export async function loadDocx(bytes: Uint8Array, source: string): Promise<SourceDoc> {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw skip('not a DOCX (not a zip archive)');
  let html: string;
  try {
    html = (
      await mammoth.convertToHtml(
        { buffer: Buffer.from(bytes) },
        { styleMap: STYLE_MAP, convertImage: NO_IMAGES },
      )
    ).value;
  } catch (err) {
    throw skip(`unreadable DOCX: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  return docFromHtml(source, html);
}
