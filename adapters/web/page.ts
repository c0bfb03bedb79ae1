/**
 * The web chat page served at GET /: one self-contained HTML document (inline CSS and JS, no
 * external assets). Its Content-Security-Policy allows exactly the inline script and style below
 * (by hash), so even an escaping mistake could not run injected script.
 */
import { createHash } from 'node:crypto';
import { pageScript } from './page-script.ts';
import { pageStyle } from './page-style.ts';

const STARTERS = [
  '怎么请年假?',
  'How do I reset my password?',
  'VPN 连不上',
  'When is payday?',
  '忘记打卡怎么补卡?',
];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

if (/<\/script/i.test(pageScript) || /<\/style/i.test(pageStyle)) {
  throw new Error('page-script.ts / page-style.ts must not contain a closing </script> or </style> tag');
}

const starterItems = STARTERS.map(
  (q) => `<li><button type="button" class="starter">${escapeHtml(q)}</button></li>`,
).join('\n          ');

export const chatPageHtml = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="color-scheme" content="light dark">
  <meta name="referrer" content="no-referrer">
  <title>Helpline · 服务台</title>
  <link rel="icon" href="data:,">
  <style>${pageStyle}</style>
</head>
<body>
  <div class="app">
    <header class="top">
      <div class="brand">
        <div class="logo" aria-hidden="true">💬</div>
        <div>
          <h1>Helpline</h1>
          <p class="subtitle">HR &amp; IT support, any time · 人事与 IT 服务台，随时为你解答</p>
        </div>
      </div>
      <div class="account">
        <span id="account" class="who" hidden></span>
        <button id="sign-out" type="button" class="ghost" hidden>Sign out · 退出</button>
        <button id="new-chat" type="button" class="ghost">New chat · 新对话</button>
      </div>
    </header>

    <main id="log" class="log" aria-label="Conversation · 对话">
      <section id="welcome" class="welcome" aria-labelledby="welcome-title">
        <p id="welcome-title" class="hello">Hi! Ask about leave, attendance, payroll, accounts or devices.<br>你好！请假、考勤、薪资、账号、设备的问题都可以问我。</p>
        <ul class="starters" aria-label="Suggested questions · 常见问题">
          ${starterItems}
        </ul>
      </section>
      <ol id="messages" class="messages" role="log" aria-live="polite" aria-relevant="additions" aria-label="Messages · 消息"></ol>
      <div id="typing" class="typing" role="status" aria-label="Helpline is typing · 正在输入" hidden><span></span><span></span><span></span></div>
    </main>

    <div id="notice" class="notice" role="status" aria-live="polite" hidden></div>

    <form id="composer" class="composer" autocomplete="off">
      <label for="input" class="visually-hidden">Your message · 你的消息</label>
      <textarea id="input" name="text" rows="1" maxlength="4000" placeholder="Ask a question or describe the problem… 输入你的问题…" aria-describedby="composer-hint"></textarea>
      <button id="send" class="send" type="submit" aria-label="Send · 发送">➤</button>
      <p id="composer-hint" class="hint"><span class="keys">Enter to send · Shift+Enter for a new line</span><span id="counter" aria-live="polite"></span></p>
    </form>
  </div>
  <script>${pageScript}</script>
</body>
</html>
`;

/** CSP for the page: only its own inline script and style run; API calls stay same-origin. */
export const chatPageCsp = [
  "default-src 'none'",
  `script-src ${sha256(pageScript)}`,
  `style-src ${sha256(pageStyle)}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
