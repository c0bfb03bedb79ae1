import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatPageHtml } from '../../adapters/web/page.ts';
import { pageHelpersSource } from '../../adapters/web/page-helpers.ts';
import { pageScript } from '../../adapters/web/page-script.ts';
import { pageStyle } from '../../adapters/web/page-style.ts';
import { makeApp } from './fake-assistant.ts';

interface Helpers {
  escapeHtml(s: string): string;
  formatText(text: string, msgId: string, citeNumbers: number[]): string;
  safeUrl(u: unknown): string;
  citationLabel(c: { title?: string; heading?: string; source?: string }): string;
  severityClass(s: string): string;
  hasCjk(s: string): boolean;
  ticketWord(value: string, isZh: boolean): string;
}
const helpers = new Function(
  `${pageHelpersSource}; return { escapeHtml, formatText, safeUrl, citationLabel, severityClass, hasCjk, ticketWord };`,
)() as Helpers;

describe('GET / (web chat page)', () => {
  it('serves the chat markup as HTML', async () => {
    const { app } = await makeApp();
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h1>Helpline</h1>');
    for (const id of ['messages', 'composer', 'input', 'typing', 'new-chat'])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<label for="input"');
    for (const q of ['怎么请年假?', 'How do I reset my password?', 'VPN 连不上']) expect(html).toContain(q);
    expect(html).toContain('/api/chat');
    expect(html).toContain('EventSource');
    expect(html).toContain('prefers-color-scheme: dark');
  });

  it('loads nothing from outside: no external URLs, scripts or stylesheets', () => {
    expect(chatPageHtml).not.toMatch(/https?:\/\//);
    expect(chatPageHtml).not.toMatch(/<script[^>]+src=/i);
    expect(chatPageHtml).not.toMatch(/<link[^>]+stylesheet/i);
    expect(pageStyle).not.toMatch(/@import|url\(/i);
  });

  it('is served with a CSP that allows exactly its inline script and style', async () => {
    const { app } = await makeApp();
    const res = await app.request('/');
    const csp = res.headers.get('content-security-policy')!;
    const html = await res.text();
    const inline = (tag: string) => html.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`))![1];
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(inline('script'))}`);
    expect(csp).toContain(`style-src ${hash(inline('style'))}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });

  it('ships a script that parses', () => {
    expect(() => new Function(pageScript)).not.toThrow();
  });
});

describe('page rendering helpers', () => {
  it('escapes HTML in message text', () => {
    const html = helpers.formatText('<img src=x onerror="alert(1)"> & <script>alert(2)</script>', 'm1', []);
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;script&gt;');
  });

  it('turns known [n] markers into citation chips and leaves others as text', () => {
    const html = helpers.formatText('Apply in the portal [1], see also [7].', 'abc-123', [1]);
    expect(html).toContain('<a class="cite-ref" href="#cite-abc-123-1" aria-label="source 1">1</a>');
    expect(html).toContain('[7]');
  });

  it('cannot be tricked into markup through the message id', () => {
    const html = helpers.formatText('see [1]', '"><script>x</script>', [1]);
    expect(html).not.toContain('<script');
    expect(html).toContain('href="#cite-scriptxscript-1"');
  });

  it('renders paragraphs, bullet lists, bold and code on escaped text', () => {
    const html = helpers.formatText('Steps:\n\n- open **HR portal**\n- click `Leave <new>`', 'm', []);
    expect(html).toBe(
      '<p>Steps:</p><ul><li>open <strong>HR portal</strong></li><li>click <code>Leave &lt;new&gt;</code></li></ul>',
    );
  });

  it('links only http(s) and same-origin URLs', () => {
    expect(helpers.safeUrl('https://wiki.example/leave')).toBe('https://wiki.example/leave');
    expect(helpers.safeUrl('/kb/leave.md')).toBe('/kb/leave.md');
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,x',
      '//evil.example',
      '/\\evil',
      42,
    ]) {
      expect(helpers.safeUrl(bad)).toBe('');
    }
  });

  it('labels citations as title › heading', () => {
    expect(helpers.citationLabel({ title: '年假制度', heading: '申请流程' })).toBe('年假制度 › 申请流程');
    expect(helpers.citationLabel({ title: 'VPN', heading: 'VPN' })).toBe('VPN');
    expect(helpers.citationLabel({ source: 'kb/vpn.md' })).toBe('kb/vpn.md');
  });

  it('maps severities to known classes only', () => {
    expect(helpers.severityClass('P0')).toBe('sev-p0');
    expect(helpers.severityClass('x" onclick="y')).toBe('sev-p3');
    expect(helpers.hasCjk('怎么请年假')).toBe(true);
    expect(helpers.hasCjk('leave')).toBe(false);
  });

  it("names a ticket's category and status in the reader's words, unknown values as they are", () => {
    expect(helpers.ticketWord('attendance', true)).toBe('考勤');
    expect(helpers.ticketWord('waiting_l2', true)).toBe('等待工程师');
    expect(helpers.ticketWord('waiting_l2', false)).toBe('waiting for an engineer');
    expect(helpers.ticketWord('attendance', false)).toBe('attendance');
    expect(helpers.ticketWord('custom_cat', true)).toBe('custom_cat');
  });
});
