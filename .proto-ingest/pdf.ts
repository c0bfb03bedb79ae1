import { extractText, getDocumentProxy, getMeta } from 'unpdf';
function pdf(lines: string[], title?: string): Uint8Array {
  const content = 'BT /F1 12 Tf 72 720 Td 14 TL ' + lines.map((l) => `(${l}) Tj T*`).join(' ') + ' ET';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  if (title) objs.push(`<< /Title (${title}) >>`);
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R${title ? ` /Info ${objs.length} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
const bytes = pdf(['Leave policy', 'Annual leave is 20 days.', 'Sick leave is unlimited.'], 'Leave Policy PDF');
const doc = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
console.log(await getMeta(doc));
console.log(JSON.stringify(await extractText(doc, { mergePages: false })));
try { await extractText(new TextEncoder().encode('%PDF-1.4 garbage'), {mergePages:true}); console.log('no error'); } catch (e) { console.log('err', (e as Error).message); }
