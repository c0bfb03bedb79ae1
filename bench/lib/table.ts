/** A Markdown table with the first column left-aligned and the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const width = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, w: number, left: boolean) =>
    left ? s + ' '.repeat(w - width(s)) : ' '.repeat(w - width(s)) + s;
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => pad(c ?? '', widths[i], i === 0)).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => `${i === 0 ? ':' : ''}${'-'.repeat(w + 1)}${i === 0 ? '' : ':'}`).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}
