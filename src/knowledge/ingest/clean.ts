/**
 * Removes template and markup noise from Markdown while keeping the wording and punctuation exactly:
 * answers are checked against exact substrings of passage text, so nothing here may rewrite words,
 * change full-width characters or collapse spaces that were in the original prose.
 */

/**
 * Placeholder for a removed inline span. NUL never survives to this point (files with NUL bytes are
 * skipped as binary), so it cannot clash with real text; `resolveRemovals` turns it into at most one space.
 */
const GAP = '\u0000';
const GAP_RUN = new RegExp(`([ \\t]*)${GAP}+([ \\t]*)`, 'g');
/** A list item whose only content was a removed tag would otherwise leave a bare bullet. */
const BARE_BULLET = new RegExp(`^[ \\t]*(?:[-*+]|\\d+[.)])?[ \\t${GAP}]*$`);

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Markdown → clean Markdown-like text (headings stay as `#` lines, paragraphs as blank-line blocks). */
export function cleanMarkdown(markdown: string): string {
  const text = stripTemplates(normalizeNewlines(markdown));
  // Code blocks keep their characters: emphasis and link rules would corrupt commands and paths.
  const out = splitFences(text).map((part) => (part.code ? part.text : cleanProse(part.text)));
  return normalizeWhitespace(out.join('\n'));
}

/**
 * Liquid/Jinja/Nunjucks templates. `{% comment %}` blocks go with their content; control and layout
 * tags (`{% if %}`, `{% include %}`, `{% alert %}…{% endalert %}`) go but the text between paired
 * tags stays; a tag that prints something is replaced by what a reader of the page sees:
 * `{% slack_channel "equipment" %}` → `#equipment` (or its label, when given), an image tag by nothing
 * (images carry no answerable text), any other tag by its first quoted argument
 * (`{% page "/leave/" %}` → `/leave/`, which a link around it then drops). `{{ "text" }}` prints its
 * literal; `{{ site.name }}` has no value here and goes, as do HTML comments.
 */
export function stripTemplates(text: string): string {
  let out = removeSpans(text, /\{%-?\s*comment\s*-?%\}/g, /\{%-?\s*endcomment\s*-?%\}/g, () => GAP);
  out = removeSpans(out, /\{%/g, /%\}/g, printedTag);
  out = removeSpans(out, /\{\{/g, /\}\}/g, printedOutput);
  return removeSpans(out, /<!--/g, /-->/g, () => GAP);
}

/** Tags that control the page or lay it out: they print nothing a reader would read. */
const SILENT_TAGS = new Set(
  (
    'if elsif else unless case when for break continue cycle tablerow assign capture ' +
    'increment decrement include include_relative render layout raw liquid set block extends ' +
    'import from macro call filter with image image_with_class img figure video youtube ' +
    'uswds_icon icon alert'
  ).split(' '),
);

/** The quoted arguments of a tag or expression, in order. */
function quoted(body: string): string[] {
  return [...body.matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)].map((m) => (m[1] ?? m[2]).trim());
}

/** What a `{% … %}` tag shows on the page (GAP when nothing). */
function printedTag(inner: string): string {
  const body = inner.replace(/^-/, '').replace(/-$/, '').trim();
  const name = /^[A-Za-z_][\w-]*/.exec(body)?.[0].toLowerCase();
  if (!name || SILENT_TAGS.has(name) || name.startsWith('end')) return GAP;
  const [first, label] = quoted(body.slice(name.length));
  if (name === 'slack_channel' && first) return label || `#${first.replace(/^#/, '')}`;
  return first || GAP;
}

/** What a `{{ … }}` expression shows: its string literal, before any filter; else nothing. */
function printedOutput(inner: string): string {
  const body = inner.replace(/^-/, '').replace(/-$/, '').trim();
  return /^(?:"[^"\n]*"|'[^'\n]*')/.test(body) ? quoted(body)[0] || GAP : GAP;
}

/**
 * Replaces each `open … close` span (first `close` after each `open`) with what `replace` makes of the
 * text between them. A scan rather than a lazy regex, which re-reads the rest of the file for every
 * unclosed `{%` or `<!--` (quadratic); here, once a `close` is missing no later `open` can have one,
 * so the scan stops.
 */
function removeSpans(text: string, open: RegExp, close: RegExp, replace: (inner: string) => string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    open.lastIndex = pos;
    const o = open.exec(text);
    if (!o) break;
    close.lastIndex = o.index + o[0].length;
    const c = close.exec(text);
    if (!c) break;
    out += text.slice(pos, o.index) + replace(text.slice(o.index + o[0].length, c.index));
    pos = c.index + c[0].length;
  }
  return out + text.slice(pos);
}

/** Trailing spaces go, runs of blank lines become one, the ends are trimmed; nothing else changes. */
export function normalizeWhitespace(text: string): string {
  return resolveRemovals(normalizeNewlines(text))
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Where a span was removed, leave one space only if the original had space on either side; at the
 * start of a line keep just the indentation, so lists and wrapped text stay aligned.
 */
function resolveRemovals(text: string): string {
  return text.replace(GAP_RUN, (m: string, before: string, after: string, at: number) => {
    if (at === 0 || text[at - 1] === '\n') return before;
    const next = text[at + m.length];
    if (next === undefined || next === '\n') return '';
    return before || after ? ' ' : '';
  });
}

interface Part {
  code: boolean;
  text: string;
}

function splitFences(text: string): Part[] {
  const parts: Part[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  const flush = (code: boolean) => {
    if (current.length) parts.push({ code, text: current.join('\n') });
    current = [];
  };
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (fence === null && m) {
      flush(false);
      fence = m[1];
      current.push(line);
    } else if (fence !== null && m && m[1][0] === fence[0] && m[1].length >= fence.length) {
      current.push(line);
      flush(true);
      fence = null;
    } else {
      current.push(line);
    }
  }
  flush(fence !== null);
  return parts;
}

/**
 * Inline markup longer than this is left alone. The bound keeps every pattern linear: unbounded lazy
 * spans go quadratic on a large file full of unmatched `**`, `[` or `<a` (minutes for 1 MB).
 */
const SPAN = 400;
/** Any character except a blank line: inline markup never spans paragraphs, but may span lines. */
const P = String.raw`(?:[^\n]|\n(?![ \t]*\n))`;
/** Link text, allowing one level of brackets inside (`[Guide [DOCX - 61 KB]](…)`). */
const LINK_TEXT = String.raw`((?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]{0,${SPAN}}\]){0,${SPAN}})`;
const LINK_DEST = String.raw`\((?:[^()\s]|\([^()\s]{0,${SPAN}}\)){0,2000}(?:\s+(?:"[^"\n]{0,${SPAN}}"|'[^'\n]{0,${SPAN}}'))?\s*\)`;

const IMAGE = new RegExp(String.raw`!\[${P}{0,${SPAN}}?\](?:${LINK_DEST}|\[[^\]\n]{0,${SPAN}}\])`, 'g');
const INLINE_LINK = new RegExp(String.raw`\[${LINK_TEXT}\]${LINK_DEST}`, 'g');
const REFERENCE_LINK = new RegExp(String.raw`\[${LINK_TEXT}\]\[[^\]\n]{0,${SPAN}}\]`, 'g');
const SHORTCUT_LINK = new RegExp(String.raw`\[([^\]\n^][^\]\n]{0,${SPAN}})\](?![(:[])`, 'g');
const LINK_DEF = new RegExp(String.raw`^ {0,3}\[([^\]\n^][^\]\n]{0,${SPAN}})\]:[ \t]*\S+.*$`, 'gm');
const DATA_URI_IMAGE = new RegExp(String.raw`!\[[^\]\n]{0,${SPAN}}\]\(data:[^)\s]*\)|<img\s[^>]*>`, 'gi');
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,2000})?\/?>/g;
/** Emphasis content: bounded, never across a blank line, and ending on a non-space. */
const EM = (exclude: string) => String.raw`((?:[^${exclude}\n]|\n(?![ \t]*\n)){0,${SPAN}}?[^\s${exclude}\\])`;
const EMPHASIS: [RegExp, string][] = [
  [new RegExp(String.raw`(\`+)([^\`\n]{1,${SPAN}}?)\1`, 'g'), '$2'],
  [new RegExp(String.raw`\*\*(?=\S)(${P}{0,${SPAN}}?\S)\*\*`, 'g'), '$1'],
  [new RegExp(String.raw`(?<![\p{L}\p{N}_])__(?=\S)(${P}{0,${SPAN}}?\S)__(?![\p{L}\p{N}_])`, 'gu'), '$1'],
  [new RegExp(String.raw`~~(?=\S)(${P}{0,${SPAN}}?\S)~~`, 'g'), '$1'],
  [new RegExp(String.raw`(?<![*\p{L}\p{N}\\])\*(?=[^\s*])${EM('*')}\*(?![*\p{L}\p{N}])`, 'gu'), '$1'],
  [new RegExp(String.raw`(?<![\p{L}\p{N}_\\])_(?=[^\s_])${EM('_')}_(?![\p{L}\p{N}_])`, 'gu'), '$1'],
];

function cleanProse(text: string): string {
  const refLabels = new Set<string>();
  let out = text.replace(LINK_DEF, (_m, label: string) => {
    refLabels.add(label.toLowerCase());
    return '';
  });
  out = out
    // Images carry no answerable text (their alt text is usually "screenshot of …"). Inline base64
    // images (editor exports) are matched apart: their data URI is far longer than any bounded span.
    .replace(DATA_URI_IMAGE, GAP)
    .replace(IMAGE, GAP)
    .replace(INLINE_LINK, '$1')
    .replace(REFERENCE_LINK, '$1')
    .replace(SHORTCUT_LINK, (m, label: string) => (refLabels.has(label.toLowerCase()) ? label : m))
    .replace(/<((?:https?|mailto|ftp):[^<>\s]+)>/gi, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(HTML_TAG, GAP)
    // kramdown attribute lists and explicit heading ids: `{: .class}`, `{#anchor}`.
    .replace(/\{:[^}\n]*\}|\{#[\w-]+\}/g, GAP)
    // Thematic breaks go before emphasis, or a `***` line would pair with a later `**`.
    .replace(/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm, '')
    // `|---|:---:|` rows only shape a table (a real cell is never dashes alone); the whole line goes.
    .replace(/^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?(?:\n|$)/gm, '');
  for (const [re, replacement] of EMPHASIS) out = out.replace(re, replacement);
  return decodeEntities(out.split('\n').map(cleanLine).join('\n'));
}

function cleanLine(line: string): string {
  // Column padding in Markdown tables can be most of a passage; one space keeps the words apart.
  const unpadded = /^[ \t]*\|/.test(line) ? line.replace(/[ \t]{2,}/g, ' ') : line;
  const stripped = unpadded
    .replace(/^(#{1,6}[ \t].*?)[ \t]+#+[ \t]*$/, '$1') // closing hashes of an ATX heading
    .replace(/\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g, '$1'); // CommonMark backslash escapes
  return BARE_BULLET.test(stripped) ? '' : stripped;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  copy: '©',
  reg: '®',
  trade: '™',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? m;
  });
}
