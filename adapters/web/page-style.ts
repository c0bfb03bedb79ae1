/** CSS of the web chat page (inlined by page.ts). Light and dark follow prefers-color-scheme. */
export const pageStyle = `
:root {
  --bg: #f4f6fb; --panel: #ffffff; --text: #1c2333; --muted: #667085; --border: #e3e7ef;
  --accent: #2f6fed; --accent-text: #ffffff; --accent-soft: #e8efff;
  --user: #2f6fed; --user-text: #ffffff; --bot: #ffffff; --agent: #ecfdf3; --agent-border: #a6e9c1;
  --chip: #f0f3f9; --danger: #d92d20; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
  --p0: #d92d20; --p1: #e8590c; --p2: #ca8a04; --p3: #2f6fed;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f131a; --panel: #161b24; --text: #e6e9ef; --muted: #98a2b3; --border: #283041;
    --accent: #6b9bff; --accent-text: #0b1020; --accent-soft: #1d2840;
    --user: #3b6fe0; --user-text: #ffffff; --bot: #1b2230; --agent: #12291d; --agent-border: #24573a;
    --chip: #222b3b; --danger: #f97066; --shadow: 0 1px 2px rgba(0, 0, 0, .4);
    --p0: #f97066; --p1: #fb8c3c; --p2: #eab308; --p3: #6b9bff;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}
button, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.app { display: flex; flex-direction: column; height: 100vh; height: 100dvh; max-width: 820px; margin: 0 auto; background: var(--panel); box-shadow: var(--shadow); }

.top { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 12px 18px; border-bottom: 1px solid var(--border); }
.brand { display: flex; align-items: center; gap: 12px; min-width: 0; }
.logo { width: 40px; height: 40px; border-radius: 12px; display: grid; place-items: center; font-size: 22px; background: var(--accent-soft); flex: none; }
.top h1 { margin: 0; font-size: 18px; line-height: 1.2; }
.subtitle { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
.ghost { border: 1px solid var(--border); background: transparent; border-radius: 999px; padding: 6px 12px; cursor: pointer; font-size: 13px; white-space: nowrap; }
.ghost:hover { background: var(--chip); }
.account { display: flex; gap: 8px; align-items: center; }
.who { font-size: 13px; color: var(--muted, #646a73); }
.composer[aria-disabled="true"] { opacity: .5; pointer-events: none; }

.log { flex: 1; overflow-y: auto; padding: 18px; scroll-behavior: smooth; }
.welcome { text-align: center; padding: 28px 8px 8px; color: var(--muted); }
.welcome .hello { margin: 0 0 16px; }
.starters { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 8px; }
.starter { border: 1px solid var(--border); background: var(--chip); border-radius: 999px; padding: 8px 14px; cursor: pointer; }
.starter:hover { border-color: var(--accent); color: var(--accent); }

.messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 14px; }
.msg { display: flex; flex-direction: column; max-width: min(86%, 620px); }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.bot, .msg.agent { align-self: flex-start; align-items: flex-start; }
.who { font-size: 12px; color: var(--muted); margin: 0 4px 3px; }
.bubble { padding: 10px 14px; border-radius: 16px; overflow-wrap: anywhere; box-shadow: var(--shadow); }
.user .bubble { background: var(--user); color: var(--user-text); border-bottom-right-radius: 4px; white-space: pre-wrap; }
.bot .bubble { background: var(--bot); border: 1px solid var(--border); border-bottom-left-radius: 4px; }
.agent .bubble { background: var(--agent); border: 1px solid var(--agent-border); border-bottom-left-radius: 4px; }
.bubble p { margin: 0 0 8px; } .bubble p:last-child { margin-bottom: 0; }
.bubble ul { margin: 4px 0 8px; padding-left: 20px; }
.bubble code { background: var(--chip); padding: 1px 5px; border-radius: 5px; font-size: .92em; }
.msg.pending .bubble { opacity: .7; }
.msg.failed .bubble { opacity: .6; }
.time { font-size: 11px; color: var(--muted); margin: 3px 6px 0; }
.failed-note { font-size: 12px; color: var(--danger); margin: 4px 6px 0; }
.failed-note button { border: 0; background: none; color: var(--accent); text-decoration: underline; cursor: pointer; padding: 0; font-size: 12px; }

.cite-ref { display: inline-block; min-width: 1.5em; padding: 0 4px; margin: 0 1px; border-radius: 6px; background: var(--accent-soft); color: var(--accent); font-size: 11px; font-weight: 600; line-height: 1.6; text-align: center; text-decoration: none; vertical-align: 2px; }
.cites { list-style: none; margin: 8px 0 0; padding: 8px 0 0; border-top: 1px dashed var(--border); display: flex; flex-direction: column; gap: 4px; font-size: 13px; }
.cites li { display: flex; gap: 6px; align-items: baseline; }
.cites .n { flex: none; min-width: 1.5em; text-align: center; border-radius: 6px; background: var(--chip); color: var(--muted); font-size: 11px; font-weight: 600; }
.cites a { color: var(--accent); text-decoration: none; } .cites a:hover { text-decoration: underline; }
.cites li:target { background: var(--accent-soft); border-radius: 6px; }

.ticket { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin-top: 10px; padding: 8px 10px; border-radius: 10px; border: 1px solid var(--border); border-left: 4px solid var(--sev, var(--p3)); background: var(--chip); font-size: 13px; }
.ticket .sev { font-weight: 700; color: #fff; background: var(--sev, var(--p3)); border-radius: 6px; padding: 0 7px; }
.ticket .num { font-weight: 600; font-variant-numeric: tabular-nums; }
.ticket .meta, .ticket .due { color: var(--muted); }
.sev-p0 { --sev: var(--p0); } .sev-p1 { --sev: var(--p1); } .sev-p2 { --sev: var(--p2); } .sev-p3 { --sev: var(--p3); }

.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.actions button { border: 1px solid var(--border); background: var(--panel); border-radius: 999px; padding: 4px 11px; font-size: 13px; cursor: pointer; }
.actions button:hover:not(:disabled) { border-color: var(--accent); }
.actions button[aria-pressed="true"] { background: var(--accent-soft); border-color: var(--accent); color: var(--accent); }
.actions button:disabled { cursor: default; opacity: .75; }
.actions .thanks { font-size: 12px; color: var(--muted); align-self: center; }

.typing { display: inline-flex; gap: 4px; margin-top: 14px; padding: 12px 14px; border-radius: 16px; border-bottom-left-radius: 4px; background: var(--bot); border: 1px solid var(--border); }
.typing[hidden] { display: none; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: var(--muted); animation: blink 1.2s infinite ease-in-out; }
.typing span:nth-child(2) { animation-delay: .2s; } .typing span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }
@media (prefers-reduced-motion: reduce) { .typing span { animation: none; } .log { scroll-behavior: auto; } }

.notice { margin: 0 18px 8px; padding: 8px 12px; border-radius: 10px; background: var(--accent-soft); font-size: 13px; }
.notice.error { color: var(--danger); }

.composer { display: grid; grid-template-columns: 1fr auto; gap: 8px; padding: 12px 18px calc(10px + env(safe-area-inset-bottom)); border-top: 1px solid var(--border); }
.composer textarea { resize: none; min-height: 44px; max-height: 180px; padding: 11px 14px; border: 1px solid var(--border); border-radius: 14px; background: var(--bg); line-height: 1.4; }
.composer textarea:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.send { width: 44px; height: 44px; align-self: end; border: 0; border-radius: 50%; background: var(--accent); color: var(--accent-text); font-size: 18px; cursor: pointer; }
.send:disabled { opacity: .5; cursor: default; }
.hint { grid-column: 1 / -1; margin: 0; font-size: 11px; color: var(--muted); display: flex; justify-content: space-between; }

@media (max-width: 560px) {
  .app { box-shadow: none; }
  .top { padding: 10px 12px; } .log { padding: 12px; } .composer { padding-left: 12px; padding-right: 12px; }
  .msg { max-width: 92%; }
  .subtitle { font-size: 12px; }
  .hint .keys { display: none; }
}
`;
