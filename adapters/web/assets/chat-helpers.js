// @ts-check
/* The web chat page's pure rendering helpers (browser JavaScript, no DOM access), inlined into the
   page by page.ts and evaluated in Node by tests to check escaping. Plain ES2017. */
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (ch) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch];
  });
}
function hasCjk(s) {
  return /[\u3400-\u9fff\uf900-\ufaff]/.test(String(s));
}
/** Only http(s) and same-origin paths become links; anything else (javascript:, data:) does not. */
function safeUrl(u) {
  if (typeof u !== 'string') return '';
  var t = u.trim();
  if (/^https?:\/\//i.test(t)) return t;
  if (t.charAt(0) === '/' && t.charAt(1) !== '/' && t.charAt(1) !== '\\') return t;
  return '';
}
function safeIdPart(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '');
}
/** Inline markup on already-escaped text: [n] citation chips, **bold**, `code`. */
function inlineHtml(escaped, msgId, citeNumbers) {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[(\d{1,3})\]/g, function (whole, n) {
      if (citeNumbers.indexOf(Number(n)) < 0) return whole;
      return (
        '<a class="cite-ref" href="#cite-' +
        safeIdPart(msgId) +
        '-' +
        n +
        '" aria-label="source ' +
        n +
        '">' +
        n +
        '</a>'
      );
    });
}
/** Message text to HTML: escaped first, then paragraphs, bullet lists and inline markup. */
function formatText(text, msgId, citeNumbers) {
  var nums = citeNumbers || [];
  var blocks = String(text)
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  return blocks
    .map(function (block) {
      var lines = block.split('\n');
      var bullets = lines.every(function (l) {
        return /^\s*(?:[-*•·]|\d+[.)])\s+/.test(l);
      });
      if (bullets && lines.length > 0 && block.trim() !== '') {
        return (
          '<ul>' +
          lines
            .map(function (l) {
              return (
                '<li>' +
                inlineHtml(escapeHtml(l.replace(/^\s*(?:[-*•·]|\d+[.)])\s+/, '')), msgId, nums) +
                '</li>'
              );
            })
            .join('') +
          '</ul>'
        );
      }
      return (
        '<p>' +
        lines
          .map(function (l) {
            return inlineHtml(escapeHtml(l), msgId, nums);
          })
          .join('<br>') +
        '</p>'
      );
    })
    .join('');
}
function citationLabel(c) {
  var title = c?.title || '';
  var heading = c?.heading || '';
  if (title && heading && heading !== title) return title + ' › ' + heading;
  return title || heading || c?.source || '';
}
function severityClass(sev) {
  return /^P[0-3]$/.test(sev) ? 'sev-' + sev.toLowerCase() : 'sev-p3';
}
/** A time in the reader's clock; `withZone` names the zone (a deadline the reply text gives in the company's). */
function formatTime(iso, withDate, withZone) {
  var d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  /** @type {Intl.DateTimeFormatOptions} */
  var opts = { hour: '2-digit', minute: '2-digit' };
  if (withDate && d.toDateString() !== new Date().toDateString()) {
    opts.month = 'short';
    opts.day = 'numeric';
  }
  if (withZone) opts.timeZoneName = 'short';
  return d.toLocaleString([], opts);
}
/** A ticket's category or status in the reader's words ("waiting_l2" → "等待工程师"). */
function ticketWord(value, isZh) {
  var words = isZh ? TICKET_WORDS.zh : TICKET_WORDS.en;
  return (value && (words.categories[value] || words.statuses[value])) || value || '';
}
