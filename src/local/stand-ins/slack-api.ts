// The Slack stand-in: the Web API methods the bot uses and response_url, answering like Slack (HTTP 200
// with {ok:true,...} or {ok:false,error}), as strict as Slack: tokens, scopes, channel membership and
// Block Kit limits are enforced. It keeps the channels' messages and ephemerals, records every call,
// and emits 'change' on every message posted, updated or deleted (the sandbox playground streams these).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyTooLargeError,
  delay,
  HttpStandIn,
  headerValue,
  readBody,
  sendJson as sendJsonAnswer,
} from './http-server';
import { validateBlocks } from './slack-blocks';

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** False by default: Slack apps are members only of channels they were added to. */
  botIsMember?: boolean;
  /** Users in the channel; every user when absent. */
  members?: string[];
}

export interface SlackMessage {
  type: 'message';
  ts: string;
  text: string;
  blocks?: unknown[];
  /** The author: the bot's user id for the bot's messages. */
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  edited?: { user: string; ts: string };
}

export interface SlackEphemeral {
  ts: string;
  /** The one user who sees it. */
  user: string;
  text: string;
  blocks?: unknown[];
}

export interface SlackCall {
  /** A Web API method, or `response_url`. */
  method: string;
  /** The arguments as the method read them (`blocks` decoded from JSON), without the token. */
  body: Record<string, unknown>;
  at: number;
  ok: boolean;
  error?: string;
}

export type SlackChange =
  | { type: 'posted' | 'updated' | 'deleted'; channel: string; ephemeral: false; message: SlackMessage }
  | { type: 'posted' | 'updated' | 'deleted'; channel: string; ephemeral: true; message: SlackEphemeral };

export interface InjectedSlackError {
  error: string;
  /** 429 answers `ratelimited` with Retry-After, as Slack does; 200 otherwise. */
  status?: number;
  retryAfterSeconds?: number;
  /** Carry the call out first, then answer with this error: the message is posted, its answer lost. */
  afterApplying?: boolean;
}

/** A call of a method held back before Slack carries it out (see `delayNext`). */
interface DelayedCall {
  ms: number;
  matches: (body: Record<string, unknown>) => boolean;
}

export interface SlackApiOptions {
  port?: number;
  /** The bot token requests must carry. */
  token?: string;
  /** The bot's scopes; `chat:write.public` lets it post to public channels it has not joined. */
  scopes?: string[];
  channels?: SlackChannel[];
  usergroups?: Record<string, string[]>;
  team?: { id: string; domain: string; name: string };
  bot?: { userId: string; botId: string; name: string };
  appId?: string;
  /** Milliseconds since the epoch; for response_url expiry. */
  clock?: () => number;
}

export interface ResponseUrlContext {
  channel: string;
  user: string;
  /** The message the URL belongs to (block actions); replace_original replaces it. */
  messageTs?: string;
}

interface ResponseUrlState extends ResponseUrlContext {
  uses: number;
  expiresAt: number;
  /** What replace_original and delete_original act on when no messageTs was given. */
  lastPosted?: { ts: string; ephemeral: boolean };
}

type Params = Record<string, unknown>;

interface WebApiAnswer {
  result: Record<string, unknown>;
  status?: number;
  headers?: Record<string, string>;
}

class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export const DEFAULT_SLACK_TOKEN = 'xoxb-0000000000-stand-in';
export const DEFAULT_SLACK_SCOPES = ['commands', 'chat:write', 'usergroups:read'];
const METHOD_SCOPES: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  // A bot token deletes only the bot's own messages with it (cant_delete_message otherwise).
  'chat.delete': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  'auth.test': undefined,
  // Slack documents no scope for it: any token that can see the channel may ask.
  'chat.getPermalink': undefined,
};
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
const MAX_TEXT = 40000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class SlackApiStandIn extends HttpStandIn {
  latencyMs = 0;
  readonly calls: SlackCall[] = [];

  private readonly token: string;
  private readonly scopes: string[];
  private readonly team: { id: string; domain: string; name: string };
  private readonly bot: { userId: string; botId: string; name: string };
  private readonly appId: string;
  private readonly clock: () => number;
  private readonly channelsById = new Map<string, Required<Omit<SlackChannel, 'members'>> & SlackChannel>();
  private readonly channelMessages = new Map<string, SlackMessage[]>();
  private readonly channelEphemerals = new Map<string, SlackEphemeral[]>();
  private readonly usergroups = new Map<string, string[]>();
  private readonly responseUrls = new Map<string, ResponseUrlState>();
  private readonly injected = new Map<string, { error: InjectedSlackError; remaining: number }[]>();
  private readonly delayed = new Map<string, DelayedCall[]>();
  private readonly listeners = new Set<(change: SlackChange) => void>();
  private lastTsMicros = 0;

  private constructor(options: SlackApiOptions) {
    super('Slack');
    this.token = options.token ?? DEFAULT_SLACK_TOKEN;
    this.scopes = options.scopes ?? DEFAULT_SLACK_SCOPES;
    this.team = options.team ?? { id: 'T0STANDIN', domain: 'stand-in', name: 'Stand-in' };
    this.bot = options.bot ?? { userId: 'U0CHATOPS', botId: 'B0CHATOPS', name: 'lambda-chatops' };
    this.appId = options.appId ?? 'A0CHATOPS';
    this.clock = options.clock ?? Date.now;
    for (const channel of options.channels ?? []) this.addChannel(channel);
    for (const [id, users] of Object.entries(options.usergroups ?? {})) this.setUsergroup(id, users);
  }

  static async start(options: SlackApiOptions = {}): Promise<SlackApiStandIn> {
    const standIn = new SlackApiStandIn(options);
    return standIn.listen(options.port);
  }

  /** For SLACK_API_URL and WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get botToken(): string {
    return this.token;
  }

  get botUserId(): string {
    return this.bot.userId;
  }

  addChannel(channel: SlackChannel): void {
    this.channelsById.set(channel.id, { isPrivate: false, botIsMember: false, ...channel });
    if (!this.channelMessages.has(channel.id)) this.channelMessages.set(channel.id, []);
    if (!this.channelEphemerals.has(channel.id)) this.channelEphemerals.set(channel.id, []);
  }

  setUsergroup(id: string, users: string[]): void {
    this.usergroups.set(id, [...users]);
  }

  /** A message written by someone else (a person, another app), e.g. to try updating it. */
  seedMessage(channel: string, message: { user: string; text: string; blocks?: unknown[] }): string {
    const ts = this.nextTs();
    this.messagesOf(channel).push({ type: 'message', ts, team: this.team.id, ...structuredClone(message) });
    return ts;
  }

  messages(channel: string): SlackMessage[] {
    return structuredClone(this.messagesOf(channel));
  }

  ephemerals(channel: string, user?: string): SlackEphemeral[] {
    const all = this.channelEphemerals.get(channel) ?? [];
    return structuredClone(user === undefined ? all : all.filter((e) => e.user === user));
  }

  /** Mints a response_url bound to a channel and user, as Slack sends with commands and actions. */
  responseUrl(context: ResponseUrlContext): string {
    this.channelOf(context.channel);
    const id = randomBytes(18).toString('base64url');
    this.responseUrls.set(id, { ...context, uses: 0, expiresAt: this.clock() + RESPONSE_URL_TTL_MS });
    return `${this.url}/response/${this.team.id}/${id}`;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  /** The next `times` calls of `method` (or `response_url`) fail with this error. */
  failNext(method: string, error: string | InjectedSlackError, times = 1): void {
    const queue = this.injected.get(method) ?? [];
    queue.push({ error: typeof error === 'string' ? { error } : error, remaining: times });
    this.injected.set(method, queue);
  }

  /**
   * The next call of a Web API `method` whose arguments `matches` accepts is held `ms` before
   * Slack carries it out: later calls overtake it, as they do when Slack is slow for one request.
   */
  delayNext(
    method: string,
    ms: number,
    matches: (body: Record<string, unknown>) => boolean = () => true,
  ): void {
    const queue = this.delayed.get(method) ?? [];
    queue.push({ ms, matches });
    this.delayed.set(method, queue);
  }

  on(event: 'change', listener: (change: SlackChange) => void): this {
    if (event === 'change') this.listeners.add(listener);
    return this;
  }

  off(event: 'change', listener: (change: SlackChange) => void): this {
    if (event === 'change') this.listeners.delete(listener);
    return this;
  }

  override async close(): Promise<void> {
    this.listeners.clear();
    await super.close();
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendText(response, 413, 'request_too_large');
    }
    await delay(this.latencyMs);
    if (url.pathname.startsWith('/api/')) {
      return this.serveWebApi(url.pathname.slice('/api/'.length), url, request, body, response);
    }
    const responseUrl = /^\/response\/[^/]+\/([^/]+)$/.exec(url.pathname);
    if (responseUrl?.[1] !== undefined && request.method === 'POST') {
      return this.serveResponseUrl(responseUrl[1], request, body, response);
    }
    sendText(response, 404, 'not_found');
  }

  private async serveWebApi(
    method: string,
    url: URL,
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ) {
    await delay(this.takeDelay(method, url, request, body));
    const call: SlackCall = { method, body: {}, at: Date.now(), ok: false };
    this.calls.push(call);
    const { result, status = 200, headers = {} } = this.webApi(method, url, request, body, call);
    call.ok = result.ok === true;
    if (typeof result.error === 'string') call.error = result.error;
    sendJson(response, status, result, { 'x-oauth-scopes': this.scopes.join(','), ...headers });
  }

  private webApi(
    method: string,
    url: URL,
    request: IncomingMessage,
    body: Buffer,
    call: SlackCall,
  ): WebApiAnswer {
    const answer = (result: Record<string, unknown>, status = 200, headers: Record<string, string> = {}) => ({
      result,
      status,
      headers,
    });
    const contentType = headerValue(request, 'content-type') ?? '';
    const warnings: string[] = [];
    let params: Params;
    let formToken: string | undefined;
    try {
      ({ params, formToken } = parseParams(request.method ?? 'GET', url, contentType, body));
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      return answer({ ok: false, error: error.error });
    }
    if (contentType.startsWith('application/json') && !/charset=/i.test(contentType)) {
      warnings.push('missing_charset');
    }
    call.body = recordedBody(params);

    if (!(method in METHOD_SCOPES)) return answer({ ok: false, error: 'unknown_method', req_method: method });
    const token = bearer(headerValue(request, 'authorization')) ?? formToken;
    if (token === undefined || token === '') return answer({ ok: false, error: 'not_authed' });
    if (token !== this.token) return answer({ ok: false, error: 'invalid_auth' });
    const needed = METHOD_SCOPES[method];
    if (needed !== undefined && !this.scopes.includes(needed)) {
      return answer({ ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') });
    }
    const injected = this.takeInjected(method);
    if (injected?.afterApplying) {
      try {
        this.runMethod(method, params);
      } catch (error) {
        if (!(error instanceof SlackError)) throw error;
      }
    }
    if (injected !== undefined) {
      if (injected.status === 429) {
        return answer({ ok: false, error: injected.error }, 429, {
          'retry-after': String(injected.retryAfterSeconds ?? 1),
        });
      }
      return answer({ ok: false, error: injected.error }, injected.status ?? 200);
    }
    try {
      const result = this.runMethod(method, params);
      const withWarnings =
        warnings.length > 0
          ? { ...result, warning: warnings.join(','), response_metadata: { warnings } }
          : result;
      return answer({ ok: true, ...withWarnings });
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      return answer({ ok: false, error: error.error, ...error.details });
    }
  }

  private runMethod(method: string, params: Params): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage':
        return this.postMessage(params);
      case 'chat.update':
        return this.update(params);
      case 'chat.delete':
        return this.deleteOwn(params);
      case 'chat.postEphemeral':
        return this.postEphemeral(params);
      case 'chat.getPermalink':
        return this.permalink(params);
      case 'usergroups.users.list': {
        const users = this.usergroups.get(stringParam(params, 'usergroup') ?? '');
        if (users === undefined) throw new SlackError('no_such_subteam');
        return { users: [...users] };
      }
      default:
        return {
          url: `https://${this.team.domain}.slack.com/`,
          team: this.team.name,
          user: this.bot.name,
          team_id: this.team.id,
          user_id: this.bot.userId,
          bot_id: this.bot.botId,
          is_enterprise_install: false,
        };
    }
  }

  /** A new message posted as the app. */
  private botMessage(text: string | undefined, blocks: unknown[] | undefined): SlackMessage {
    return {
      type: 'message',
      ts: this.nextTs(),
      text: text ?? '',
      ...(blocks === undefined ? {} : { blocks }),
      user: this.bot.userId,
      bot_id: this.bot.botId,
      app_id: this.appId,
      team: this.team.id,
    };
  }

  private postMessage(params: Params): Record<string, unknown> {
    const channel = this.writableChannel(params);
    const { text, blocks } = messageContent(params, true);
    const message = this.botMessage(text, blocks);
    this.messagesOf(channel.id).push(message);
    this.emit({ type: 'posted', channel: channel.id, ephemeral: false, message });
    return { channel: channel.id, ts: message.ts, message: structuredClone(message) };
  }

  private update(params: Params): Record<string, unknown> {
    const channel = this.visibleChannel(params);
    const ts = stringParam(params, 'ts');
    const message = this.messagesOf(channel.id).find((m) => m.ts === ts);
    if (message === undefined) throw new SlackError('message_not_found');
    if (message.bot_id !== this.bot.botId) throw new SlackError('cant_update_message');
    const { text, blocks } = messageContent(params, true);
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) {
      if (blocks.length === 0) delete message.blocks;
      else message.blocks = blocks;
    }
    message.edited = { user: this.bot.userId, ts: this.nextTs() };
    this.emit({ type: 'updated', channel: channel.id, ephemeral: false, message });
    return {
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: {
        text: message.text,
        user: message.user,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      },
    };
  }

  /** chat.delete as a bot token may: only the bot's own messages. */
  private deleteOwn(params: Params): Record<string, unknown> {
    const channel = this.visibleChannel(params);
    const ts = stringParam(params, 'ts');
    const list = this.messagesOf(channel.id);
    const index = list.findIndex((m) => m.ts === ts);
    const message = list[index];
    if (message === undefined) throw new SlackError('message_not_found');
    if (message.bot_id !== this.bot.botId) throw new SlackError('cant_delete_message');
    list.splice(index, 1);
    this.emit({ type: 'deleted', channel: channel.id, ephemeral: false, message });
    return { channel: channel.id, ts: message.ts };
  }

  /** Slack's permalink form: the workspace, the channel and the ts without its dot. */
  private permalink(params: Params): Record<string, unknown> {
    const channel = this.visibleChannel(params);
    const ts = stringParam(params, 'message_ts');
    if (!this.messagesOf(channel.id).some((message) => message.ts === ts)) {
      throw new SlackError('message_not_found');
    }
    return {
      channel: channel.id,
      permalink: `https://${this.team.domain}.slack.com/archives/${channel.id}/p${(ts ?? '').replace('.', '')}`,
    };
  }

  private postEphemeral(params: Params): Record<string, unknown> {
    const channel = this.writableChannel(params);
    const user = stringParam(params, 'user');
    if (user === undefined || user === '') throw new SlackError('user_not_found');
    if (channel.members !== undefined && !channel.members.includes(user))
      throw new SlackError('user_not_in_channel');
    const { text, blocks } = messageContent(params, true);
    const ephemeral = this.addEphemeral(channel.id, user, text, blocks);
    return { message_ts: ephemeral.ts };
  }

  private serveResponseUrl(id: string, request: IncomingMessage, body: Buffer, response: ServerResponse) {
    const call: SlackCall = { method: 'response_url', body: {}, at: Date.now(), ok: false };
    this.calls.push(call);
    const { status, text } = this.responseUrlPost(id, request, body, call);
    call.ok = status === 200;
    if (status !== 200) call.error = text;
    sendText(response, status, text);
  }

  private responseUrlPost(
    id: string,
    request: IncomingMessage,
    body: Buffer,
    call: SlackCall,
  ): { status: number; text: string } {
    const answer = (status: number, text: string) => ({ status, text });
    const state = this.responseUrls.get(id);
    if (state === undefined) return answer(404, 'no_service');
    let payload: Params;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new TypeError('not an object');
      payload = parsed as Params;
    } catch {
      return answer(400, 'invalid_payload');
    }
    call.body = structuredClone(payload);
    if (!(headerValue(request, 'content-type') ?? '').startsWith('application/json')) {
      return answer(400, 'invalid_payload');
    }
    if (this.clock() > state.expiresAt) return answer(404, 'expired_url');
    if (state.uses >= RESPONSE_URL_USES) return answer(404, 'used_url');
    const injected = this.takeInjected('response_url');
    if (injected !== undefined) return answer(injected.status ?? 500, injected.error);
    try {
      this.respond(state, payload);
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      return answer(error.error === 'message_not_found' ? 404 : 400, error.error);
    }
    state.uses += 1;
    return answer(200, 'ok');
  }

  private respond(state: ResponseUrlState, payload: Params): void {
    const target = this.boundMessage(state);
    if (payload.delete_original === true) {
      if (target === undefined) throw new SlackError('message_not_found');
      this.deleteMessage(state, target);
      return;
    }
    const { text, blocks } = messageContent(payload, false);
    if (payload.replace_original === true && target !== undefined) {
      const replaced = target.ephemeral
        ? this.channelEphemerals.get(state.channel)?.find((e) => e.ts === target.ts)
        : this.messagesOf(state.channel).find((m) => m.ts === target.ts);
      if (replaced === undefined) throw new SlackError('message_not_found');
      replaced.text = text ?? '';
      if (blocks === undefined || blocks.length === 0) delete replaced.blocks;
      else replaced.blocks = blocks;
      if (target.ephemeral) {
        this.emit({
          type: 'updated',
          channel: state.channel,
          ephemeral: true,
          message: replaced as SlackEphemeral,
        });
      } else {
        this.emit({
          type: 'updated',
          channel: state.channel,
          ephemeral: false,
          message: replaced as SlackMessage,
        });
      }
      return;
    }
    if (payload.response_type === 'in_channel') {
      // Slack posts these as the app, even in channels the bot has not joined.
      const message = this.botMessage(text, blocks);
      this.messagesOf(state.channel).push(message);
      this.emit({ type: 'posted', channel: state.channel, ephemeral: false, message });
      state.lastPosted = { ts: message.ts, ephemeral: false };
      return;
    }
    const ephemeral = this.addEphemeral(state.channel, state.user, text, blocks);
    state.lastPosted = { ts: ephemeral.ts, ephemeral: true };
  }

  /** The message a block action came from, else what this URL posted last. */
  private boundMessage(state: ResponseUrlState): { ts: string; ephemeral: boolean } | undefined {
    if (state.messageTs === undefined) return state.lastPosted;
    const inChannel = this.messagesOf(state.channel).some((m) => m.ts === state.messageTs);
    return { ts: state.messageTs, ephemeral: !inChannel };
  }

  private deleteMessage(state: ResponseUrlState, target: { ts: string; ephemeral: boolean }): void {
    const list: Array<SlackMessage | SlackEphemeral> = target.ephemeral
      ? (this.channelEphemerals.get(state.channel) ?? [])
      : this.messagesOf(state.channel);
    const index = list.findIndex((m) => m.ts === target.ts);
    const [deleted] = index < 0 ? [] : list.splice(index, 1);
    if (deleted === undefined) throw new SlackError('message_not_found');
    if (target.ephemeral) {
      this.emit({
        type: 'deleted',
        channel: state.channel,
        ephemeral: true,
        message: deleted as SlackEphemeral,
      });
    } else {
      this.emit({
        type: 'deleted',
        channel: state.channel,
        ephemeral: false,
        message: deleted as SlackMessage,
      });
    }
    state.lastPosted = undefined;
    delete state.messageTs;
  }

  private addEphemeral(
    channel: string,
    user: string,
    text: string | undefined,
    blocks: unknown[] | undefined,
  ): SlackEphemeral {
    const ephemeral: SlackEphemeral = {
      ts: this.nextTs(),
      user,
      text: text ?? '',
      ...(blocks === undefined ? {} : { blocks }),
    };
    this.channelEphemerals.get(channel)?.push(ephemeral);
    this.emit({ type: 'posted', channel, ephemeral: true, message: ephemeral });
    return ephemeral;
  }

  /** A channel the bot may post in: private ones it is in, public ones it is in or has chat:write.public for. */
  private writableChannel(params: Params) {
    const channel = this.visibleChannel(params);
    if (!channel.botIsMember && !this.scopes.includes('chat:write.public'))
      throw new SlackError('not_in_channel');
    return channel;
  }

  /** A channel the bot can see: every public one, private ones only as a member. */
  private visibleChannel(params: Params) {
    const reference = stringParam(params, 'channel') ?? '';
    const channel =
      this.channelsById.get(reference) ??
      [...this.channelsById.values()].find((c) => `#${c.name}` === reference || c.name === reference);
    if (channel === undefined || (channel.isPrivate && !channel.botIsMember)) {
      throw new SlackError('channel_not_found');
    }
    return channel;
  }

  private channelOf(id: string) {
    const channel = this.channelsById.get(id);
    if (channel === undefined)
      throw new Error(`unknown channel ${id}: configure it or call addChannel first`);
    return channel;
  }

  private messagesOf(channel: string): SlackMessage[] {
    this.channelOf(channel);
    const messages = this.channelMessages.get(channel);
    if (messages === undefined) throw new Error(`unknown channel ${channel}`);
    return messages;
  }

  private takeDelay(method: string, url: URL, request: IncomingMessage, body: Buffer): number {
    const queue = this.delayed.get(method);
    if (queue === undefined || queue.length === 0) return 0;
    let params: Params;
    try {
      ({ params } = parseParams(
        request.method ?? 'GET',
        url,
        headerValue(request, 'content-type') ?? '',
        body,
      ));
    } catch {
      return 0;
    }
    const recorded = recordedBody(params);
    const index = queue.findIndex((entry) => entry.matches(recorded));
    if (index < 0) return 0;
    const [taken] = queue.splice(index, 1);
    return taken?.ms ?? 0;
  }

  private takeInjected(method: string): InjectedSlackError | undefined {
    const queue = this.injected.get(method);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.error;
  }

  private emit(change: SlackChange): void {
    const snapshot = structuredClone(change);
    for (const listener of this.listeners) listener(snapshot);
  }

  /** Unique, increasing, in Slack's `1700000000.000100` form. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    const micros = this.lastTsMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }
}

function parseParams(
  method: string,
  url: URL,
  contentType: string,
  body: Buffer,
): { params: Params; formToken: string | undefined } {
  if (method === 'GET' || body.length === 0) {
    const params = Object.fromEntries(url.searchParams);
    return { params, formToken: url.searchParams.get('token') ?? undefined };
  }
  if (contentType.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new SlackError('invalid_json');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SlackError('invalid_json');
    // With JSON, Slack reads the token from the Authorization header only.
    return { params: parsed as Params, formToken: undefined };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body.toString('utf8'));
    return { params: Object.fromEntries(form), formToken: form.get('token') ?? undefined };
  }
  throw new SlackError('invalid_form_data');
}

/** text and blocks of a message, validated as Slack does. */
function messageContent(
  params: Params,
  webApi: boolean,
): { text: string | undefined; blocks: unknown[] | undefined } {
  const text = stringParam(params, 'text');
  const blocks = blocksParam(params.blocks);
  if (blocks !== undefined) {
    const errors = validateBlocks(blocks);
    if (errors.length > 0) {
      throw new SlackError('invalid_blocks', {
        errors,
        response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
      });
    }
  }
  if ((text === undefined || text === '') && (blocks === undefined || blocks.length === 0)) {
    if (!webApi || params.attachments === undefined) throw new SlackError('no_text');
  }
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackError('msg_too_long');
  return { text, blocks };
}

function blocksParam(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  let blocks = value;
  if (typeof value === 'string') {
    try {
      blocks = JSON.parse(value);
    } catch {
      throw new SlackError('invalid_blocks_format');
    }
  }
  if (!Array.isArray(blocks)) throw new SlackError('invalid_blocks_format');
  return blocks;
}

function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function recordedBody(params: Params): Record<string, unknown> {
  const { token: _token, ...rest } = params;
  if (typeof rest.blocks === 'string') {
    try {
      rest.blocks = JSON.parse(rest.blocks);
    } catch {
      // Recorded as sent: the method answers invalid_blocks_format.
    }
  }
  return structuredClone(rest);
}

function bearer(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  sendJsonAnswer(response, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
}
