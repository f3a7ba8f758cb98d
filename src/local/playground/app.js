// The playground page: a channel view of the Slack stand-in, a picker of demo people, a composer for
// /lambda, and a side panel with the Lambda aliases and the audit trail. Every change arrives as a
// Server-Sent Event; the page never reloads. All text is escaped (render-blocks.js).
import { EMOJI, escapeHtml, renderConfirm, renderMessage } from './render-blocks.js';

const HISTORY_KEY = 'lambda-chatops.playground.history';
const USER_KEY = 'lambda-chatops.playground.user';
const CHANNEL_KEY = 'lambda-chatops.playground.channel';
const AUDIT_ICONS = {
  REQUESTED: 'memo',
  APPROVED: 'white_check_mark',
  DENIED: 'no_entry_sign',
  REJECTED: 'x',
  CANCELLED: 'leftwards_arrow_with_hook',
  EXPIRED: 'hourglass',
  APPLIED: 'rocket',
  STALE: 'warning',
  FAILED: 'boom',
  DRIFTED: 'eyes',
  ADOPTED: 'inbox_tray',
  SHIFTED: 'twisted_rightwards_arrows',
  EXTENDED: 'hourglass_flowing_sand',
  PAUSED: 'double_vertical_bar',
  RESUMED: 'arrow_forward',
  PROMOTED_NOW: 'fast_forward',
  ROLLED_BACK: 'rewind',
};
const VERSIONS_SHOWN = 4;

const page = {
  snapshot: undefined,
  user: localStorage.getItem(USER_KEY) ?? 'U0DANA',
  channel: localStorage.getItem(CHANNEL_KEY) ?? 'C0RELEASES',
  messages: new Map(),
  ephemerals: new Map(),
  context: {},
  history: readHistory(),
  historyIndex: -1,
  draft: '',
};

const $ = (id) => document.getElementById(id);

function readHistory() {
  try {
    const stored = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((entry) => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => setConnection('live', 'Live: updates arrive as they happen'));
  events.addEventListener('error', () => setConnection('connecting', 'Reconnecting…'));
  events.addEventListener('state', (event) => loadSnapshot(JSON.parse(event.data)));
  events.addEventListener('slack', (event) => applyChange(JSON.parse(event.data)));
  events.addEventListener('panel', (event) => {
    if (!page.snapshot) return;
    page.snapshot.panel = JSON.parse(event.data);
    renderPanel();
  });
}

function setConnection(state, text) {
  const element = $('connection');
  element.dataset.state = state;
  element.textContent = text;
}

function loadSnapshot(snapshot) {
  page.snapshot = snapshot;
  if (!snapshot.users.some((user) => user.id === page.user)) page.user = snapshot.users[0].id;
  if (!snapshot.channels.some((channel) => channel.id === page.channel))
    page.channel = snapshot.channels[0].id;
  page.messages = new Map(Object.entries(snapshot.messages));
  page.ephemerals = new Map(Object.entries(snapshot.ephemerals));
  page.context = {
    users: Object.fromEntries([
      [snapshot.bot.userId, snapshot.bot.name],
      ...snapshot.users.map((user) => [user.id, user.name]),
    ]),
    groups: Object.fromEntries(snapshot.groups.map((group) => [group.id, group.handle])),
    channels: Object.fromEntries(snapshot.channels.map((channel) => [channel.id, channel.name])),
  };
  $('workspace-name').textContent = snapshot.team.name;
  renderSidebar();
  renderChannel();
  renderPanel();
  document.body.dataset.ready = 'true';
}

/** Posted, updated, deleted: applied by ts, so a change seen twice changes nothing. */
function applyChange(change) {
  const lists = change.ephemeral ? page.ephemerals : page.messages;
  const list = lists.get(change.channel) ?? [];
  const index = list.findIndex((message) => message.ts === change.message.ts);
  if (change.type === 'deleted') {
    if (index >= 0) list.splice(index, 1);
  } else if (index >= 0) {
    list[index] = change.message;
  } else {
    list.push(change.message);
    list.sort((a, b) => Number(a.ts) - Number(b.ts));
  }
  lists.set(change.channel, list);
  if (change.channel === page.channel) renderMessages();
  else renderSidebar();
}

function currentUser() {
  return page.snapshot.users.find((user) => user.id === page.user);
}

function renderSidebar() {
  const { channels, users } = page.snapshot;
  $('channels').innerHTML = channels
    .map(
      (channel) =>
        `<li><button type="button" class="channel-button${channel.id === page.channel ? ' is-current' : ''}" data-channel="${escapeHtml(channel.id)}">` +
        `<span class="channel-hash">${channel.isPrivate ? '🔒' : '#'}</span>${escapeHtml(channel.name)}` +
        `${channel.botIsMember ? '' : '<span class="channel-note">private, bot not added</span>'}</button></li>`,
    )
    .join('');
  $('users').innerHTML = users
    .map(
      (user) =>
        `<li><button type="button" class="user-button${user.id === page.user ? ' is-current' : ''}" data-user="${escapeHtml(user.id)}" aria-pressed="${user.id === page.user}">` +
        `${avatar(user.id, user.name)}<span class="user-name">${escapeHtml(user.name)}</span>` +
        `<span class="user-role">${escapeHtml(user.role)}</span></button></li>`,
    )
    .join('');
}

function avatar(id, name) {
  if (id === page.snapshot.bot.userId) return '<span class="avatar avatar-bot" aria-hidden="true">λ</span>';
  // A colour per person from a fixed palette: the page's CSP allows no inline styles.
  const colour = [...id].reduce((sum, character) => sum + character.charCodeAt(0), 0) % 6;
  return `<span class="avatar avatar-${colour}" aria-hidden="true">${escapeHtml(name.slice(0, 1))}</span>`;
}

function renderChannel() {
  const channel = page.snapshot.channels.find((c) => c.id === page.channel);
  $('channel-title').textContent = `# ${channel.name}`;
  $('channel-topic').textContent = channel.topic;
  $('composer-label').textContent = `Message #${channel.name} as ${currentUser().name}`;
  renderMessages();
}

function renderMessages() {
  const list = $('messages');
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const visible = [
    ...(page.messages.get(page.channel) ?? []).map((message) => ({ message, ephemeral: false })),
    ...(page.ephemerals.get(page.channel) ?? [])
      .filter((message) => message.user === page.user)
      .map((message) => ({ message, ephemeral: true })),
  ].sort((a, b) => Number(a.message.ts) - Number(b.message.ts));
  list.innerHTML =
    visible.length === 0
      ? '<li class="empty">Nothing here yet. Type <code>/lambda help</code> below.</li>'
      : visible.map(({ message, ephemeral }) => renderRow(message, ephemeral)).join('');
  if (nearBottom || visible.length <= 1) list.scrollTop = list.scrollHeight;
}

function renderRow(message, ephemeral) {
  const { bot } = page.snapshot;
  const fromBot = ephemeral || message.bot_id !== undefined || message.user === bot.userId;
  const authorId = fromBot ? bot.userId : message.user;
  const author = page.context.users[authorId] ?? authorId;
  const time = new Date(Number(message.ts) * 1000).toLocaleTimeString([], {
    hour: 'numeric',
    minute: '2-digit',
  });
  return (
    `<li class="message${ephemeral ? ' message-ephemeral' : ''}" data-ts="${escapeHtml(message.ts)}" data-ephemeral="${ephemeral}">` +
    avatar(authorId, author) +
    '<div class="message-body"><div class="message-meta">' +
    `<span class="message-author">${escapeHtml(author)}</span>${fromBot ? '<span class="badge">APP</span>' : ''}` +
    `<time class="message-time">${escapeHtml(time)}</time>${message.edited ? '<span class="edited">(edited)</span>' : ''}</div>` +
    (ephemeral
      ? '<div class="ephemeral-note"><span aria-hidden="true">👁</span> Only visible to you</div>'
      : '') +
    `<div class="blocks">${renderMessage(message, page.context)}</div></div></li>`
  );
}

function renderPanel() {
  const { panel } = page.snapshot;
  $('functions').innerHTML = panel.functions.map(renderFunction).join('');
  $('audit').innerHTML =
    panel.audit.length === 0
      ? '<li class="empty">No events yet: every request, approval and change lands here.</li>'
      : panel.audit.map(renderAuditEvent).join('');
}

function renderFunction(fn) {
  const aliasesOf = (version) => fn.aliases.filter((alias) => alias.version === version).map((a) => a.name);
  const descriptionOf = (version) => fn.versions.find((v) => v.version === version)?.description ?? '';
  const aliases = fn.aliases
    .map((alias) => {
      const split = Object.entries(alias.weights)
        .map(
          ([version, weight]) =>
            ` <span class="alias-split">+ ${escapeHtml(version)} at ${Math.round(weight * 100)}%</span>`,
        )
        .join('');
      return (
        `<li class="alias" data-alias="${escapeHtml(alias.name)}"><span class="alias-name">${escapeHtml(alias.name)}</span>` +
        `<span class="alias-arrow">→</span><span class="alias-version">${escapeHtml(alias.version)}</span>${split}` +
        `<span class="alias-description">${escapeHtml(descriptionOf(alias.version))}</span>` +
        moveControl(fn, alias) +
        '</li>'
      );
    })
    .join('');
  const versions = fn.versions
    .slice(0, VERSIONS_SHOWN)
    .map(
      (v) =>
        `<li class="version" data-version="${escapeHtml(v.version)}" title="environment: ${escapeHtml(v.environmentKeys.join(', '))}">` +
        `<span class="version-number">${escapeHtml(v.version)}</span>` +
        `<span class="version-description">${escapeHtml(v.description)}</span>` +
        (v.sha ? `<code class="version-hash" title="commit">${escapeHtml(v.sha)}</code>` : '') +
        `<code class="version-hash">${escapeHtml(v.codeSha256.slice(0, 8))}</code>` +
        aliasesOf(v.version)
          .map((name) => `<span class="tag">${escapeHtml(name)}</span>`)
          .join('') +
        '</li>',
    )
    .join('');
  const older = fn.totalVersions - Math.min(fn.versions.length, VERSIONS_SHOWN);
  return (
    `<article class="fn" data-function="${escapeHtml(fn.key)}">` +
    `<header class="fn-header"><h3 class="fn-name">${escapeHtml(fn.key)}</h3><code class="fn-arn">${escapeHtml(fn.functionName)}</code></header>` +
    `<ul class="aliases">${aliases}</ul>` +
    `<ol class="versions">${versions}</ol>` +
    (older > 0 ? `<p class="versions-more">${older} older version${older === 1 ? '' : 's'}</p>` : '') +
    `<button type="button" class="publish" data-publish="${escapeHtml(fn.key)}">Publish a new version</button>` +
    `<button type="button" class="publish" data-publish="${escapeHtml(fn.key)}" data-faulty="true">Publish a faulty version</button>` +
    `<button type="button" class="publish" data-ci="${escapeHtml(fn.key)}" title="What a pipeline does: ci.promote of the newest version to dev, card in this channel">CI: ask for dev</button>` +
    '</article>'
  );
}

/** Moves the alias outside the bot, as someone in the AWS console would: the bot calls it drift. */
function moveControl(fn, alias) {
  if (!fn.stages.includes(alias.name)) return '';
  const options = fn.versions
    .map((v) => v.version)
    .filter((version) => version !== alias.version)
    .map((version) => `<option value="${escapeHtml(version)}">${escapeHtml(version)}</option>`)
    .join('');
  return (
    `<select class="move" data-move-function="${escapeHtml(fn.key)}" data-move-alias="${escapeHtml(alias.name)}" ` +
    `title="Point ${escapeHtml(alias.name)} elsewhere outside the bot, as in the AWS console" aria-label="Move ${escapeHtml(fn.key)} ${escapeHtml(alias.name)} by hand">` +
    `<option value="">by hand…</option>${options}</select>`
  );
}

async function onMove(select) {
  const version = select.value;
  if (!version) return;
  select.disabled = true;
  try {
    const fn = select.dataset.moveFunction;
    const alias = select.dataset.moveAlias;
    await api('/api/move', { function: fn, alias, version });
    toast(
      `${fn} ${alias} now points at ${version}, changed outside the bot: watch #releases for the drift card.`,
    );
  } catch (error) {
    toast(error.message);
  } finally {
    select.disabled = false;
    select.value = '';
  }
}

function renderAuditEvent(event) {
  const actor = event.actor === 'system' ? 'the bot' : (page.context.users[event.actor] ?? event.actor);
  const time = new Date(event.at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  const reason = event.reason ? `<div class="audit-reason">${escapeHtml(event.reason)}</div>` : '';
  return (
    `<li class="audit-event" data-action="${escapeHtml(event.action)}">` +
    `<span class="audit-icon" aria-hidden="true">${EMOJI[AUDIT_ICONS[event.action]] ?? '•'}</span>` +
    `<div class="audit-body"><div><strong>${escapeHtml(event.action)}</strong> ${escapeHtml(event.function)} ${escapeHtml(event.alias)} ` +
    `${escapeHtml(event.fromVersion)} → ${escapeHtml(event.toVersion)}</div>` +
    `<div class="audit-meta">${escapeHtml(actor)} · ${escapeHtml(time)} · <code>${escapeHtml(event.requestId)}</code></div>${reason}</div></li>`
  );
}

async function api(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(result.error ?? `${path} answered ${response.status}`);
  return result;
}

let toastTimer;
function toast(text) {
  const element = $('toast');
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    element.hidden = true;
  }, 6000);
}

async function sendCommand(raw) {
  const text = raw.trim();
  if (text === '') return;
  page.history = [...page.history.filter((entry) => entry !== text), text].slice(-50);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(page.history));
  page.historyIndex = -1;
  const match = /^\/lambda(?:\s+|$)([\s\S]*)$/.exec(text);
  if (!match) {
    toast('Only the /lambda command is installed here: try /lambda help');
    return;
  }
  try {
    const outcome = await api('/api/command', { user: page.user, channel: page.channel, text: match[1] });
    if (outcome.slackError) toast(`Slack would show: /lambda failed with the error "${outcome.slackError}"`);
  } catch (error) {
    toast(error.message);
  }
}

function onComposerKey(event) {
  const input = event.target;
  if (event.key === 'ArrowUp' && page.history.length > 0) {
    event.preventDefault();
    if (page.historyIndex === -1) {
      page.draft = input.value;
      page.historyIndex = page.history.length - 1;
    } else {
      page.historyIndex = Math.max(0, page.historyIndex - 1);
    }
    input.value = page.history[page.historyIndex];
  } else if (event.key === 'ArrowDown' && page.historyIndex !== -1) {
    event.preventDefault();
    page.historyIndex += 1;
    if (page.historyIndex >= page.history.length) {
      page.historyIndex = -1;
      input.value = page.draft;
    } else {
      input.value = page.history[page.historyIndex];
    }
  }
}

function findElement(message, button) {
  const block = message.blocks?.[Number(button.dataset.block)];
  const element =
    button.dataset.element === 'accessory'
      ? block?.accessory
      : block?.elements?.[Number(button.dataset.element)];
  return { block, element };
}

async function onButton(button) {
  const row = button.closest('.message');
  const ephemeral = row.dataset.ephemeral === 'true';
  const list = (ephemeral ? page.ephemerals : page.messages).get(page.channel) ?? [];
  const message = list.find((m) => m.ts === row.dataset.ts);
  if (!message) return;
  const { block, element } = findElement(message, button);
  if (!element) return;
  if (element.confirm && !(await confirmDialog(element.confirm))) return;
  button.disabled = true;
  button.classList.add('is-busy');
  try {
    const outcome = await api('/api/action', {
      user: page.user,
      channel: page.channel,
      messageTs: message.ts,
      actionId: element.action_id,
      value: element.value ?? '',
      blockId: block.block_id ?? '',
      text: element.text?.text ?? '',
    });
    if (outcome.slackError) toast(`Slack would show a warning on the button: ${outcome.slackError}`);
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
    button.classList.remove('is-busy');
  }
}

/** Slack's confirm dialog: a modal that resolves true only on its confirm button. */
function confirmDialog(confirm) {
  const backdrop = $('modal');
  const content = $('modal-content');
  content.innerHTML = renderConfirm(confirm, page.context);
  backdrop.hidden = false;
  const previous = document.activeElement;
  return new Promise((resolve) => {
    const close = (answer) => {
      backdrop.hidden = true;
      content.innerHTML = '';
      backdrop.removeEventListener('click', onClick);
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
      resolve(answer);
    };
    const onClick = (event) => {
      const choice = event.target.closest('[data-confirm-choice]')?.dataset.confirmChoice;
      if (choice) close(choice === 'confirm');
      else if (event.target === backdrop) close(false);
    };
    const onKey = (event) => {
      if (event.key === 'Escape') close(false);
    };
    backdrop.addEventListener('click', onClick);
    document.addEventListener('keydown', onKey);
    content.querySelector('[data-confirm-choice="confirm"]').focus();
  });
}

async function onPublish(button) {
  button.disabled = true;
  try {
    const fn = button.dataset.publish;
    const faulty = button.dataset.faulty === 'true';
    const { version } = await api('/api/publish', { function: fn, faulty });
    // A faulty version is for watching a canary roll itself back.
    const suggestion = faulty
      ? `/lambda promote ${fn} prod ${version} --canary 20% --bake 1m`
      : `/lambda promote ${fn} dev ${version}`;
    $('composer-input').value = suggestion;
    $('composer-input').focus();
    toast(
      faulty
        ? `${fn} version ${version} is published and fails 30% of its calls. Try a canary: ${suggestion}`
        : `${fn} version ${version} is published. Point dev at it: ${suggestion}`,
    );
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
}

async function onCi(button) {
  button.disabled = true;
  try {
    const answer = await api('/api/ci', { function: button.dataset.ci, channel: page.channel });
    toast(
      answer.ok
        ? `CI asked for ${button.dataset.ci} dev: request ${answer.requestId}, its card is in the channel.`
        : `CI was refused: ${answer.error?.message ?? 'no reason given'}`,
    );
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
}

// The sandbox's `links` point at an https origin (links must be https); the page serves them itself.
const SANDBOX_SOURCE_ORIGIN = 'https://source.sandbox.localhost/';

function onLink(event) {
  const anchor = event.target.closest('a.bk-link');
  if (!anchor?.href.startsWith(SANDBOX_SOURCE_ORIGIN)) return;
  event.preventDefault();
  window.open(`/source/${anchor.href.slice(SANDBOX_SOURCE_ORIGIN.length)}`, '_blank', 'noopener');
}

function wire() {
  document.addEventListener('click', onLink);
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('composer-input');
    const text = input.value;
    input.value = '';
    sendCommand(text);
  });
  $('composer-input').addEventListener('keydown', onComposerKey);
  $('toast').addEventListener('click', () => {
    $('toast').hidden = true;
  });
  $('messages').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action-id]');
    if (button && !button.disabled) onButton(button);
  });
  $('functions').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-publish]');
    if (button && !button.disabled) onPublish(button);
    const ci = event.target.closest('button[data-ci]');
    if (ci && !ci.disabled) onCi(ci);
  });
  $('functions').addEventListener('change', (event) => {
    const select = event.target.closest('select[data-move-function]');
    if (select && !select.disabled) onMove(select);
  });
  $('channels').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-channel]');
    if (!button) return;
    page.channel = button.dataset.channel;
    localStorage.setItem(CHANNEL_KEY, page.channel);
    renderSidebar();
    renderChannel();
  });
  $('users').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-user]');
    if (!button) return;
    page.user = button.dataset.user;
    localStorage.setItem(USER_KEY, page.user);
    renderSidebar();
    renderChannel();
    $('composer-input').focus();
  });
}

wire();
connect();
$('composer-input').focus();
