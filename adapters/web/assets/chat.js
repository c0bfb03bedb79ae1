// @ts-check
/* The web chat page's controller (browser JavaScript): state in localStorage, EventSource with a
   polling fallback, rendering with the helpers of chat-helpers.js. Inlined by page.ts into one
   strict-mode closure with them; plain ES2017. */
var API = '/api/chat';
var KEY_USER = 'helpline.userId';
var KEY_THREAD = 'helpline.threadId';
var KEY_FEEDBACK = 'helpline.feedback';

var $ = function (id) {
  return document.getElementById(id);
};
var log = $('log'),
  list = $('messages'),
  typing = $('typing'),
  welcome = $('welcome');
var form = /** @type {HTMLFormElement} */ ($('composer'));
var input = /** @type {HTMLTextAreaElement} */ ($('input'));
var sendBtn = /** @type {HTMLButtonElement} */ ($('send'));
var notice = $('notice'),
  counter = $('counter');

var store = {
  get: function (k) {
    try {
      return localStorage.getItem(k);
    } catch (e) {
      return null;
    }
  },
  set: function (k, v) {
    try {
      if (v === null) localStorage.removeItem(k);
      else localStorage.setItem(k, v);
    } catch (e) {
      /* private mode */
    }
  },
};
function randomId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}
var params = new URLSearchParams(location.search);
// Who this page chats as: the signed-in user (GET /auth/me), or, in the open trial mode on this
// machine only, an id kept in localStorage (or given as ?user=).
var userId = params.get('user') || store.get(KEY_USER) || 'web-' + randomId();
var csrf = null;
var threadId = store.get(KEY_THREAD);
var rendered = {}; // message id -> <li>
var source = null; // EventSource
var pollTimer = null;
var sseFailures = 0;
var feedbackGiven = {};
try {
  feedbackGiven = JSON.parse(store.get(KEY_FEEDBACK) || '{}') || {};
} catch (e) {
  feedbackGiven = {};
}

/** JSON request headers, with the session's CSRF token when signed in. */
function jsonHeaders() {
  /** @type {Record<string, string>} */
  var h = { 'content-type': 'application/json' };
  if (csrf) h['x-csrf-token'] = csrf;
  return h;
}

function t(zh, en, isZh) {
  return isZh ? zh : en;
}

function showNotice(text, isError) {
  notice.textContent = text;
  notice.className = 'notice' + (isError ? ' error' : '');
  notice.hidden = !text;
}

function nearBottom() {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 120;
}
function scrollToBottom() {
  log.scrollTop = log.scrollHeight;
}

function refreshChrome() {
  var items = list.children;
  welcome.hidden = items.length > 0;
  var last = items[items.length - 1];
  typing.hidden = !(last?.classList.contains('user') && !last.classList.contains('failed'));
}

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderCitations(m) {
  var ol = el('ol', 'cites');
  ol.setAttribute('aria-label', t('来源', 'Sources', hasCjk(m.text)));
  m.citations.forEach(function (c) {
    var li = el('li');
    li.id = 'cite-' + safeIdPart(m.id) + '-' + safeIdPart(c.n);
    li.appendChild(el('span', 'n', String(c.n)));
    var url = safeUrl(c.url);
    var label = citationLabel(c);
    var node;
    if (url) {
      node = el('a', '', label);
      node.href = url;
      node.target = '_blank';
      node.rel = 'noopener noreferrer';
    } else {
      node = el('span', '', label);
    }
    if (c.source) node.title = c.source;
    li.appendChild(node);
    ol.appendChild(li);
  });
  return ol;
}

function renderTicket(ticket, isZh) {
  var box = el('div', 'ticket ' + severityClass(ticket.severity));
  box.setAttribute('role', 'note');
  box.appendChild(el('span', 'sev', ticket.severity));
  box.appendChild(el('span', 'num', t('工单 ', 'Ticket ', isZh) + ticket.number));
  var meta = [ticketWord(ticket.category, isZh), ticketWord(ticket.status, isZh)].filter(Boolean).join(' · ');
  if (meta) box.appendChild(el('span', 'meta', meta));
  if (ticket.firstResponseDue) {
    var due = formatTime(ticket.firstResponseDue, true, true);
    if (due) box.appendChild(el('span', 'due', t('首次响应不晚于 ', 'First response by ', isZh) + due));
  }
  return box;
}

function defaultButtons(isZh, hasTicket) {
  var buttons = [
    { action: 'feedback_up', label: t('👍 有帮助', '👍 Helpful', isZh) },
    { action: 'feedback_down', label: t('👎 没帮助', '👎 Not helpful', isZh) },
  ];
  // With a ticket open a person is already on the way.
  if (!hasTicket)
    buttons.push({
      action: 'handoff',
      label: t('🙋 转人工', '🙋 Talk to a human', isZh),
      value: t('转人工', 'talk to a human', isZh),
    });
  return buttons;
}

function renderActions(m, isZh) {
  // Feedback belongs under an answer or a ticket reply, not under a notice ("已升级到 L3", "感谢你的评分").
  var rated = m.author === 'bot' && (m.citations?.length > 0 || !!m.ticket);
  var buttons = m.buttons?.length ? m.buttons : rated ? defaultButtons(isZh, !!m.ticket) : [];
  if (!buttons.length) return null;
  var row = el('div', 'actions');
  var feedbackButtons = [];
  var thanks = el('span', 'thanks');
  thanks.setAttribute('role', 'status');
  buttons.forEach(function (b) {
    var btn = el('button', '', b.label);
    btn.type = 'button';
    if (b.action === 'feedback_up' || b.action === 'feedback_down') {
      var helpful = b.action === 'feedback_up';
      btn.setAttribute('aria-pressed', feedbackGiven[m.id] === helpful ? 'true' : 'false');
      if (m.id in feedbackGiven) btn.disabled = true;
      feedbackButtons.push(btn);
      btn.addEventListener('click', function () {
        sendFeedback(m, helpful, btn, feedbackButtons, thanks, isZh);
      });
    } else if (/^rate_[1-5]$|^not_solved$/.test(b.action)) {
      // "Was it solved?": the rating or "not solved" goes to the ticket as a button press.
      feedbackButtons.push(btn);
      btn.addEventListener('click', function () {
        sendAction(m, b.action, btn, feedbackButtons, thanks, isZh);
      });
    } else {
      btn.addEventListener('click', function () {
        sendMessage(b.value || (b.action === 'handoff' ? 'talk to a human' : b.label));
      });
    }
    row.appendChild(btn);
  });
  row.appendChild(thanks);
  return row;
}

function sendAction(m, action, btn, group, thanks, isZh) {
  group.forEach(function (b) {
    b.disabled = true;
  });
  btn.setAttribute('aria-pressed', 'true');
  fetch(API + '/actions', {
    method: 'POST',
    headers: jsonHeaders(),
    body: JSON.stringify({ threadId: threadId, messageId: m.id, action: action, userId: userId }),
  })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      thanks.textContent = t('已收到，谢谢！', 'Got it, thank you!', isZh);
    })
    .catch(function () {
      group.forEach(function (b) {
        b.disabled = false;
      });
      btn.setAttribute('aria-pressed', 'false');
      thanks.textContent = t('没有发出去，请重试。', 'Could not send; please try again.', isZh);
    });
}

function sendFeedback(m, helpful, btn, group, thanks, isZh) {
  group.forEach(function (b) {
    b.disabled = true;
  });
  btn.setAttribute('aria-pressed', 'true');
  fetch(API + '/feedback', {
    method: 'POST',
    headers: jsonHeaders(),
    body: JSON.stringify({ threadId: threadId, messageId: m.id, helpful: helpful, userId: userId }),
  })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      feedbackGiven[m.id] = helpful;
      store.set(KEY_FEEDBACK, JSON.stringify(feedbackGiven));
      thanks.textContent = helpful
        ? t('谢谢反馈！', 'Thanks for the feedback!', isZh)
        : t('谢谢反馈。需要真人帮忙？点 🙋。', 'Thanks. Want a person to help? Tap 🙋.', isZh);
    })
    .catch(function () {
      group.forEach(function (b) {
        b.disabled = false;
        b.setAttribute('aria-pressed', 'false');
      });
      thanks.textContent = t('反馈没有发出去，请重试。', 'Could not send feedback; please try again.', isZh);
    });
}

function renderMessage(m) {
  var isZh = hasCjk(m.text);
  var li = el('li', 'msg ' + (m.author === 'user' ? 'user' : m.author === 'agent' ? 'agent' : 'bot'));
  if (m.id) li.dataset.id = m.id;
  if (m.author !== 'user') {
    li.appendChild(
      el('div', 'who', m.author === 'agent' ? t('支持工程师', 'Support engineer', isZh) : 'Helpline'),
    );
  }
  var bubble = el('div', 'bubble');
  if (m.author === 'user') {
    bubble.textContent = m.text;
  } else {
    var nums = (m.citations || []).map(function (c) {
      return Number(c.n);
    });
    bubble.innerHTML = formatText(m.text, m.id, nums);
    if (m.citations?.length) bubble.appendChild(renderCitations(m));
    if (m.ticket) bubble.appendChild(renderTicket(m.ticket, isZh));
  }
  li.appendChild(bubble);
  if (m.author !== 'user') {
    var actions = renderActions(m, isZh);
    if (actions) li.appendChild(actions);
  }
  var time = el('time', 'time', formatTime(m.createdAt, true));
  time.dateTime = m.createdAt || '';
  li.appendChild(time);
  return li;
}

function addMessage(m) {
  if (!m?.id || rendered[m.id]) return;
  var stick = nearBottom() || m.author === 'user';
  var li = renderMessage(m);
  rendered[m.id] = li;
  list.appendChild(li);
  refreshChrome();
  if (stick) scrollToBottom();
}

function clearConversation() {
  list.textContent = '';
  rendered = {};
  refreshChrome();
}

function disconnect() {
  if (source) {
    source.close();
    source = null;
  }
  if (pollTimer) {
    clearTimeout(pollTimer);
    pollTimer = null;
  }
}

function forgetThread(message) {
  disconnect();
  threadId = null;
  store.set(KEY_THREAD, null);
  clearConversation();
  if (message) showNotice(message, false);
}

function connect() {
  disconnect();
  if (!threadId) return;
  sseFailures = 0;
  if (!window.EventSource) return poll();
  var es = new EventSource(API + '/threads/' + encodeURIComponent(threadId) + '/events');
  source = es;
  es.addEventListener('message', function (e) {
    sseFailures = 0;
    try {
      addMessage(JSON.parse(e.data));
    } catch (err) {
      /* ignore a malformed event */
    }
  });
  es.onerror = function () {
    sseFailures++;
    // CLOSED means the browser gave up (e.g. 404); repeated errors mean a proxy is in the way.
    if (es.readyState === EventSource.CLOSED || sseFailures >= 3) {
      es.close();
      if (source === es) {
        source = null;
        poll();
      }
    }
  };
}

function poll() {
  if (!threadId) return;
  var tid = threadId;
  fetch(API + '/threads/' + encodeURIComponent(tid) + '/messages')
    .then(function (res) {
      if (res.status === 404) {
        if (tid === threadId)
          forgetThread(
            'Your previous conversation is no longer available — starting fresh. 之前的对话已失效，已为你开始新对话。',
          );
        return null;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(function (body) {
      if (body && tid === threadId) body.messages.forEach(addMessage);
    })
    .catch(function () {
      /* try again on the next tick */
    })
    .then(function () {
      if (tid === threadId && !source) pollTimer = setTimeout(poll, typing.hidden ? 8000 : 1500);
    });
}

function sendMessage(text, retryEl) {
  text = String(text || '').trim();
  if (!text) return;
  var isZh = hasCjk(text);
  var pending = retryEl || renderMessage({ author: 'user', text: text, createdAt: new Date().toISOString() });
  pending.classList.remove('failed');
  pending.classList.add('pending');
  var note = pending.querySelector('.failed-note');
  if (note) note.remove();
  if (!retryEl) list.appendChild(pending);
  refreshChrome();
  scrollToBottom();
  showNotice('', false);

  var post = function (tid) {
    return fetch(API + '/messages', {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ userId: userId, text: text, threadId: tid || undefined }),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          return { res: res, body: body };
        });
    });
  };
  post(threadId)
    .then(function (r) {
      if (r.res.status === 404 && threadId) {
        // The thread is gone (e.g. the server restarted): start a new one and keep this message.
        var keep = pending;
        forgetThread(
          t(
            '之前的对话已失效，已为你开始新对话。',
            'Your previous conversation is no longer available — started a new one.',
            isZh,
          ),
        );
        list.appendChild(keep);
        refreshChrome();
        return post(null);
      }
      return r;
    })
    .then(function (r) {
      if (r.res.status !== 202) {
        var msg = r.body?.error?.message || 'HTTP ' + r.res.status;
        throw new Error(msg);
      }
      pending.classList.remove('pending');
      var id = r.body.messageId;
      if (rendered[id]) {
        pending.remove();
      } else {
        pending.dataset.id = id;
        rendered[id] = pending;
      }
      refreshChrome();
      if (r.body.threadId !== threadId) {
        threadId = r.body.threadId;
        store.set(KEY_THREAD, threadId);
        connect();
      } else if (!source && !pollTimer) {
        connect();
      }
    })
    .catch(function (err) {
      pending.classList.remove('pending');
      pending.classList.add('failed');
      var failed = el('div', 'failed-note', t('没有发送成功：', 'Not sent: ', isZh) + err.message + ' ');
      var retry = el('button', '', t('重试', 'Retry', isZh));
      retry.type = 'button';
      retry.addEventListener('click', function () {
        sendMessage(text, pending);
      });
      failed.appendChild(retry);
      pending.appendChild(failed);
      refreshChrome();
    });
}

function autosize() {
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, 180) + 'px';
  var n = input.value.length;
  counter.textContent = n > 3500 ? n + ' / 4000' : '';
  sendBtn.disabled = input.value.trim() === '';
}

form.addEventListener('submit', function (e) {
  e.preventDefault();
  var text = input.value;
  if (!text.trim()) return;
  input.value = '';
  autosize();
  // Sent once the page knows who is chatting (its session and CSRF token): a message typed while
  // /auth/me is still loading waits for it instead of failing with "Not sent".
  ready.then(function () {
    sendMessage(text);
  });
  input.focus();
});
input.addEventListener('keydown', function (e) {
  // Enter sends; Shift+Enter is a newline; Enter that confirms an IME candidate (拼音) does neither.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
  }
});
input.addEventListener('input', autosize);
Array.prototype.forEach.call(document.querySelectorAll('.starter'), function (b) {
  b.addEventListener('click', function () {
    ready.then(function () {
      sendMessage(b.textContent);
    });
    input.focus();
  });
});
$('new-chat').addEventListener('click', function () {
  forgetThread('');
  showNotice('', false);
  input.focus();
});

$('sign-out').addEventListener('click', function () {
  fetch('/auth/logout', { method: 'POST', headers: jsonHeaders() }).then(function () {
    store.set(KEY_THREAD, null);
    location.reload();
  });
});

/** Signed in: chat as that user. Open trial mode: as the local id. Otherwise: ask to sign in. */
function start(me) {
  if (me?.signedIn) {
    if (store.get(KEY_USER) !== me.userId) store.set(KEY_THREAD, null);
    userId = me.userId;
    csrf = me.csrf;
    threadId = store.get(KEY_THREAD);
    var who = $('account');
    who.textContent = me.userId;
    who.hidden = false;
    $('sign-out').hidden = false;
  } else if (me && !me.open) {
    form.setAttribute('aria-disabled', 'true');
    input.disabled = true;
    sendBtn.disabled = true;
    var a = document.createElement('a');
    a.href = me.signIn || '/auth/login';
    a.textContent = 'Sign in to chat · 登录后开始对话';
    notice.textContent = '';
    notice.appendChild(a);
    notice.className = 'notice';
    notice.hidden = false;
    return;
  }
  store.set(KEY_USER, userId);
  refreshChrome();
  connect();
  input.focus();
}

autosize();
var ready = fetch('/auth/me')
  .then(function (res) {
    return res.ok ? res.json() : null;
  })
  .catch(function () {
    return null;
  })
  .then(start);
