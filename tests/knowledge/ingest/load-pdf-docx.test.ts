import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../../src/errors.ts';
import { loadDocx } from '../../../src/knowledge/ingest/load-docx.ts';
import { loadPdf } from '../../../src/knowledge/ingest/load-pdf.ts';
import { buildDocx, buildPdf, utf8 } from './fixtures.ts';

async function skipReason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isHelplineError(err, 'FILE_SKIPPED')) return err.message;
    throw err;
  }
  throw new Error('expected FILE_SKIPPED');
}

describe('loadPdf', () => {
  it('extracts the text and takes the title from the PDF metadata', async () => {
    const doc = await loadPdf(
      buildPdf(['Annual leave is 20 days.', 'Sick leave is unlimited.'], 'Leave Handbook'),
      'leave.pdf',
    );
    expect(doc.title).toBe('Leave Handbook');
    expect(doc.text).toBe('Annual leave is 20 days.\nSick leave is unlimited.');
    expect(doc.lang).toBe('en');
  });

  it('falls back to the first line for the title', async () => {
    expect(
      (await loadPdf(buildPdf(['Laptop policy', 'Return it when you leave.']), 'it/laptops.pdf')).title,
    ).toBe('Laptop policy');
  });

  it('skips corrupt, non-PDF and text-less files with a reason', async () => {
    expect(await skipReason(loadPdf(utf8('%PDF-1.4 this is not really a pdf'), 'bad.pdf'))).toMatch(
      /unreadable PDF/,
    );
    expect(await skipReason(loadPdf(utf8('hello'), 'fake.pdf'))).toMatch(/not a PDF/);
    expect(await skipReason(loadPdf(buildPdf([]), 'blank.pdf'))).toMatch(/no extractable text/);
  });
});

describe('loadDocx', () => {
  it('keeps Word headings as # lines and the Title style as the title', async () => {
    const bytes = await buildDocx([
      { style: 'Title', text: 'VPN guide' },
      { text: 'Install the client from the portal.' },
      { style: 'Heading1', text: 'Troubleshooting' },
      { text: 'Restart the client & try again.' },
      { style: 'Heading2', text: 'Still slow?' },
      { text: 'Open an IT ticket.' },
    ]);
    const doc = await loadDocx(bytes, 'it/vpn.docx');
    expect(doc.title).toBe('VPN guide');
    expect(doc.text).toBe(
      '# VPN guide\n\nInstall the client from the portal.\n\n# Troubleshooting\n\nRestart the client & try again.\n\n## Still slow?\n\nOpen an IT ticket.',
    );
  });

  it('skips corrupt and non-zip files with a reason', async () => {
    expect(await skipReason(loadDocx(utf8('PK\x03\x04 truncated'), 'bad.docx'))).toMatch(/unreadable DOCX/);
    expect(await skipReason(loadDocx(utf8('plain text'), 'fake.docx'))).toMatch(/not a DOCX/);
  });
});
