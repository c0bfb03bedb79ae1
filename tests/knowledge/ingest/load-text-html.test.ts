import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../../src/errors.ts';
import { loadHtml } from '../../../src/knowledge/ingest/load-html.ts';
import { decodeText, loadText } from '../../../src/knowledge/ingest/load-text.ts';
import { utf8 } from './fixtures.ts';

describe('loadText', () => {
  it('uses the first non-empty line as the title and keeps the whole text', async () => {
    const doc = await loadText(
      utf8('\n\n  Printer setup  \n\nConnect to the office printer via Settings.\n'),
      'it/printer.txt',
    );
    expect(doc).toMatchObject({
      title: 'Printer setup',
      text: 'Printer setup\n\nConnect to the office printer via Settings.',
    });
    expect(doc.lang).toBe('en');
  });

  it('falls back to the file name when the first line is a whole paragraph', async () => {
    expect((await loadText(utf8('x'.repeat(200)), 'notes/long-line.txt')).title).toBe('long line');
  });

  it('drops a BOM and rejects NUL bytes and invalid UTF-8 with FILE_SKIPPED', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toBe('hi');
    for (const [bytes, reason] of [
      [new Uint8Array([0x68, 0x00, 0x69]), /binary/],
      [new Uint8Array([0xc4, 0xea, 0xbc, 0xd9]), /UTF-8/], // "年假" in GBK
    ] as const) {
      try {
        decodeText(bytes);
        expect.unreachable();
      } catch (err) {
        expect(isHelplineError(err, 'FILE_SKIPPED')).toBe(true);
        expect((err as Error).message).toMatch(reason);
      }
    }
  });
});

describe('loadHtml', () => {
  const html = `<!doctype html><html lang="zh-CN"><head><title>报销指南</title>
    <meta name="keywords" content="报销, 差旅"><style>p { color: red }</style></head>
    <body><nav><a href="/">首页</a> | 菜单</nav>
    <h1>报销指南</h1>
    <p>提交报销前请准备<strong>发票</strong>和行程单。</p>
    <h2>差旅报销</h2>
    <ul><li>机票：经济舱</li><li>酒店：每晚不超过 500 元</li></ul>
    <h3>审批</h3><p>由部门负责人审批，<br>再由财务复核。</p>
    <table><tr><th>类别</th><th>上限</th></tr><tr><td>餐费</td><td>100 元/天</td></tr></table>
    <script>alert("x")</script><!-- hidden --></body></html>`;

  it('turns headings into # lines, p/li into paragraphs, and drops script, style and nav', async () => {
    const doc = await loadHtml(utf8(html), 'finance/expenses.html');
    expect(doc.title).toBe('报销指南');
    expect(doc.lang).toBe('zh');
    expect(doc.keywords).toEqual(['报销', '差旅']);
    expect(doc.text).toBe(
      [
        '# 报销指南',
        '提交报销前请准备发票和行程单。',
        '## 差旅报销',
        '机票：经济舱',
        '酒店：每晚不超过 500 元',
        '### 审批',
        '由部门负责人审批，\n再由财务复核。',
        '类别 | 上限\n餐费 | 100 元/天',
      ].join('\n\n'),
    );
  });

  it('uses the first h1 when there is no <title>, and removes template tags', async () => {
    const doc = await loadHtml(
      utf8('<h1>VPN</h1><p>Use {% if x %}the{% endif %} client {{ version }}.</p>'),
      'vpn.htm',
    );
    expect(doc.title).toBe('VPN');
    expect(doc.text).toBe('# VPN\n\nUse the client .');
  });
});
