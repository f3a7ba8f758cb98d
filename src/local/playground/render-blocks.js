// Block Kit → HTML for the playground page, faithful enough to read and click what the bot sends:
// header, section (text, fields), context, divider, actions (buttons, their styles and confirm
// dialogs), image; Slack mrkdwn (*bold*, _italic_, ~strike~, `code`, ```blocks```, links, user,
// channel and group mentions, <!date^…|…>, the emoji shortcodes the bot uses).
//
// Everything that reaches the page goes through escapeHtml: text from Slack is data, never markup,
// so a description like <img src=x onerror=…> shows as those characters. Links keep only http(s)
// and mailto URLs. A plain ES module without dependencies: the page imports it as it is, and the
// unit tests import it in Node.

/** The shortcodes the bot uses, and a few common ones. */
export const EMOJI = {
  boom: '💥',
  gear: '⚙️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  leftwards_arrow_with_hook: '↩️',
  mag: '🔍',
  memo: '📝',
  no_entry_sign: '🚫',
  rocket: '🚀',
  scissors: '✂️',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
  tada: '🎉',
  eyes: '👀',
  inbox_tray: '📥',
  lock: '🔒',
  wave: '👋',
  '+1': '👍',
  thumbsup: '👍',
  // Rollouts (the rollout card, history)
  arrow_forward: '▶️',
  arrows_counterclockwise: '🔄',
  double_vertical_bar: '⏸️',
  fast_forward: '⏩',
  rewind: '⏪',
  twisted_rightwards_arrows: '🔀',
  unlock: '🔓',
};

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: the five characters that could end either are escaped. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** Slack escapes &, < and > in message text; its `<…>` sequences are the only markup. */
function decodeSlackEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const SLOT_OPEN = '\uE000';
const SLOT_CLOSE = '\uE001';
const SLOT = /\uE000(\d+)\uE001/g;
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/**
 * Slack mrkdwn as HTML. Code spans and `<…>` sequences are rendered first and held aside, so
 * emphasis and emoji never apply inside them; the rest is unescaped from Slack and escaped for HTML.
 */
export function renderMrkdwn(text, context = {}) {
  const slots = [];
  const hold = (html) => `${SLOT_OPEN}${slots.push(html) - 1}${SLOT_CLOSE}`;
  let html = String(text).replace(/[\uE000\uE001]/g, '');
  html = html.replace(/```([\s\S]*?)```/g, (_, code) =>
    hold(`<pre class="bk-pre">${escapeHtml(decodeSlackEntities(code.replace(/^\n/, '')))}</pre>`),
  );
  html = html.replace(/`([^`\n]+)`/g, (_, code) =>
    hold(`<code class="bk-code">${escapeHtml(decodeSlackEntities(code))}</code>`),
  );
  html = html.replace(/<([^<>\n]*)>/g, (_, inner) => hold(renderSequence(inner, context)));
  html = escapeHtml(decodeSlackEntities(html));
  html = emphasis(html, '*', 'strong');
  html = emphasis(html, '_', 'em');
  html = emphasis(html, '~', 'del');
  html = emoji(html);
  html = html.replace(/\n/g, '<br>');
  return html.replace(SLOT, (_, index) => slots[Number(index)]);
}

/** `*x*`, `_x_`, `~x~` where Slack sees them: markers not inside a word, text not starting or ending with a space. */
function emphasis(html, marker, tag) {
  // With the `u` flag only syntax characters may be escaped: `*` is one, `_` and `~` are not.
  const m = marker === '*' ? '\\*' : marker;
  const pattern = new RegExp(
    `(^|[^\\p{L}\\p{N}${m}])${m}(?=[^\\s${m}])([^${m}\\n]*?[^\\s${m}])${m}(?![\\p{L}\\p{N}${m}])`,
    'gu',
  );
  return html.replace(pattern, `$1<${tag}>$2</${tag}>`);
}

function emoji(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (shortcode, name) =>
    Object.hasOwn(EMOJI, name)
      ? `<span class="bk-emoji" role="img" aria-label="${name}" title="${shortcode}">${EMOJI[name]}</span>`
      : shortcode,
  );
}

/** One `<…>` sequence: a mention, a special mention, a date, a link, or else literal text. */
function renderSequence(inner, context) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decodeSlackEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = context.users?.[id] ?? label ?? id;
    return `<span class="bk-mention" data-user="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = context.channels?.[id] ?? label ?? id;
    return `<span class="bk-mention bk-channel">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!')) return renderSpecial(target.slice(1), label, context);
  const url = decodeSlackEntities(target);
  if (SAFE_URL.test(url)) {
    return `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label ?? url)}</a>`;
  }
  return escapeHtml(`<${decodeSlackEntities(inner)}>`);
}

function renderSpecial(command, label, context) {
  if (command.startsWith('subteam^')) {
    const id = command.slice('subteam^'.length);
    const handle = context.groups?.[id] ?? label?.replace(/^@/, '') ?? id;
    return `<span class="bk-mention bk-group">@${escapeHtml(handle)}</span>`;
  }
  if (command.startsWith('date^')) {
    const [, seconds, format = '{date}', link] = command.split('^');
    const epoch = Number(seconds);
    const fallback = label ?? '';
    if (!/^-?\d+$/.test(seconds ?? '') || !Number.isFinite(epoch)) return escapeHtml(fallback);
    const when = new Date(epoch * 1000);
    const text = escapeHtml(formatSlackDate(epoch, format, context));
    const time = `<time class="bk-date" datetime="${when.toISOString()}" title="${escapeHtml(fallback)}">${text}</time>`;
    const url = link === undefined ? '' : decodeSlackEntities(link);
    return SAFE_URL.test(url)
      ? `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${time}</a>`
      : time;
  }
  if (command === 'here' || command === 'channel' || command === 'everyone') {
    return `<span class="bk-mention bk-broadcast">@${command}</span>`;
  }
  return escapeHtml(label ?? `<!${command}>`);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Slack's `<!date^…>` tokens in the reader's time zone (context.timeZone, else the browser's):
 * {date_num} {date} {date_short} {date_long}, their _pretty forms (today, yesterday, tomorrow),
 * {time} {time_secs} {ago}. Other text is kept as written.
 */
export function formatSlackDate(epochSeconds, format, context = {}) {
  const when = new Date(epochSeconds * 1000);
  const now = context.now ?? new Date();
  const day = calendarDay(when, context.timeZone);
  const relativeDay = () => {
    const offset = Math.round(
      (Date.UTC(day.year, day.month, day.day) - utcMidnight(now, context.timeZone)) / 86_400_000,
    );
    return { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' }[offset];
  };
  const ordinal = (n) => {
    const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
    return `${n}${suffix}`;
  };
  const dates = {
    date_num: `${day.year}-${pad(day.month + 1)}-${pad(day.day)}`,
    date: `${MONTHS[day.month]} ${ordinal(day.day)}, ${day.year}`,
    date_short: `${MONTHS[day.month].slice(0, 3)} ${day.day}, ${day.year}`,
    date_long: `${WEEKDAYS[day.weekday]}, ${MONTHS[day.month]} ${ordinal(day.day)}, ${day.year}`,
  };
  const clock = (seconds) => {
    const hour12 = day.hour % 12 === 0 ? 12 : day.hour % 12;
    const tail = seconds ? `:${pad(day.second)}` : '';
    return `${hour12}:${pad(day.minute)}${tail} ${day.hour < 12 ? 'AM' : 'PM'}`;
  };
  return format.replace(/\{([a-z_]+)\}/g, (token, name) => {
    if (name in dates) return dates[name];
    if (name.endsWith('_pretty') && name.slice(0, -'_pretty'.length) in dates) {
      return relativeDay() ?? dates[name.slice(0, -'_pretty'.length)];
    }
    if (name === 'time') return clock(false);
    if (name === 'time_secs') return clock(true);
    if (name === 'ago') return ago(when, now);
    return token;
  });
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function calendarDay(date, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month) - 1,
    day: Number(parts.day),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function utcMidnight(date, timeZone) {
  const day = calendarDay(date, timeZone);
  return Date.UTC(day.year, day.month, day.day);
}

function ago(when, now) {
  const seconds = Math.round((now.getTime() - when.getTime()) / 1000);
  const size = Math.abs(seconds);
  const [amount, unit] =
    size < 60
      ? [size, 'second']
      : size < 3600
        ? [Math.round(size / 60), 'minute']
        : size < 86_400
          ? [Math.round(size / 3600), 'hour']
          : [Math.round(size / 86_400), 'day'];
  const phrase = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return seconds >= 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** plain_text shows as written; its shortcodes become emoji unless `emoji: false`. */
export function renderPlainText(text, withEmoji = true) {
  const html = escapeHtml(text).replace(/\n/g, '<br>');
  return withEmoji ? emoji(html) : html;
}

/** A text object: mrkdwn or plain_text. */
export function renderText(object, context = {}) {
  if (object === null || typeof object !== 'object' || typeof object.text !== 'string') return '';
  return object.type === 'mrkdwn'
    ? renderMrkdwn(object.text, context)
    : renderPlainText(object.text, object.emoji !== false);
}

/** A message: its blocks, or its text when it has none. */
export function renderMessage(message, context = {}) {
  const blocks = Array.isArray(message?.blocks) ? message.blocks : [];
  if (blocks.length > 0) return renderBlocks(blocks, context);
  return `<div class="bk-section"><div class="bk-text">${renderMrkdwn(message?.text ?? '', context)}</div></div>`;
}

export function renderBlocks(blocks, context = {}) {
  return blocks.map((block, index) => renderBlock(block, index, context)).join('');
}

function renderBlock(block, index, context) {
  switch (block?.type) {
    case 'header':
      return `<div class="bk-header">${renderText(block.text, context)}</div>`;
    case 'section':
      return renderSection(block, index, context);
    case 'context':
      return `<div class="bk-context">${(block.elements ?? [])
        .map((element) => renderContextElement(element, context))
        .join('')}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'actions':
      return `<div class="bk-actions">${(block.elements ?? [])
        .map((element, position) => renderElement(element, index, position, context))
        .join('')}</div>`;
    case 'image':
      return `<figure class="bk-image">${block.title ? `<figcaption>${renderText(block.title, context)}</figcaption>` : ''}${image(block)}</figure>`;
    case 'markdown':
      return `<div class="bk-section"><div class="bk-text">${renderPlainText(block.text ?? '', false)}</div></div>`;
    default:
      return `<div class="bk-unsupported">The playground does not draw ${escapeHtml(String(block?.type ?? 'this'))} blocks.</div>`;
  }
}

function renderSection(block, index, context) {
  const text = block.text ? `<div class="bk-text">${renderText(block.text, context)}</div>` : '';
  const fields = Array.isArray(block.fields)
    ? `<div class="bk-fields">${block.fields.map((field) => `<div class="bk-field">${renderText(field, context)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory ? renderAccessory(block.accessory, index, context) : '';
  return `<div class="bk-section"><div class="bk-section-body">${text}${fields}</div>${accessory}</div>`;
}

function renderAccessory(element, index, context) {
  if (element.type === 'image') return `<div class="bk-accessory">${image(element)}</div>`;
  return `<div class="bk-accessory">${renderElement(element, index, 'accessory', context)}</div>`;
}

function renderContextElement(element, context) {
  if (element?.type === 'image') return image(element, 'bk-context-image');
  return `<span class="bk-context-text">${renderText(element, context)}</span>`;
}

function image(element, className = 'bk-img') {
  const url = String(element.image_url ?? '');
  const alt = escapeHtml(element.alt_text ?? '');
  return SAFE_URL.test(url) && !url.startsWith('mailto')
    ? `<img class="${className}" src="${escapeHtml(url)}" alt="${alt}">`
    : `<span class="${className}">${alt}</span>`;
}

/** A button knows where it sits (block index, element position) so the page can find it again. */
function renderElement(element, blockIndex, position, context) {
  if (element?.type !== 'button') {
    return `<span class="bk-unsupported">${escapeHtml(String(element?.type ?? 'element'))}</span>`;
  }
  const style =
    element.style === 'primary' || element.style === 'danger' ? ` bk-button-${element.style}` : '';
  const label = renderText(element.text, context);
  const url = String(element.url ?? '');
  if (SAFE_URL.test(url)) {
    return `<a class="bk-button${style}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  }
  const data = {
    'data-block': blockIndex,
    'data-element': position,
    'data-action-id': element.action_id ?? '',
    'data-value': element.value ?? '',
    ...(element.confirm ? { 'data-confirm': 'true' } : {}),
  };
  const attributes = Object.entries(data)
    .map(([name, value]) => `${name}="${escapeHtml(String(value))}"`)
    .join(' ');
  return `<button type="button" class="bk-button${style}" ${attributes}>${label}</button>`;
}

/** A confirm dialog's content: title, text, and its deny and confirm buttons (confirm styled as asked). */
export function renderConfirm(confirm, context = {}) {
  const style = confirm?.style === 'danger' ? 'bk-button-danger' : 'bk-button-primary';
  const label = (object, fallback) => (object?.text ? renderText(object, context) : escapeHtml(fallback));
  return (
    `<h2 class="bk-confirm-title" id="bk-confirm-title">${label(confirm?.title, 'Are you sure?')}</h2>` +
    `<div class="bk-confirm-text">${renderText(confirm?.text, context)}</div>` +
    '<div class="bk-confirm-buttons">' +
    `<button type="button" class="bk-button" data-confirm-choice="deny">${label(confirm?.deny, 'Cancel')}</button>` +
    `<button type="button" class="bk-button ${style}" data-confirm-choice="confirm">${label(confirm?.confirm, 'Confirm')}</button>` +
    '</div>'
  );
}
