// The sandbox: dynalite (kept on disk), the Lambda API stand-in seeded with the demo functions, the
// Slack stand-in with the demo workspace, and the bot itself: the same two functions that run on
// Lambda, reached the same way: a Function URL event signed as Slack signs it for the
// Slack-facing handler, whose asynchronous work goes through an `Invoke` (InvocationType Event)
// of the worker function in the Lambda stand-in, which runs the worker's handler, as on AWS.
//
// The sandbox plays AWS's part for the bot, so it sets what Lambda would: the AWS SDK's endpoint,
// region and credential variables in process.env, and the bot's own variables in its env.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import {
  type AliasConfiguration,
  type FunctionConfiguration,
  InvokeCommand,
  LambdaClient,
  paginateListAliases,
  paginateListVersionsByFunction,
} from '@aws-sdk/client-lambda';
import type { Logger } from '@slack/logger';
import { DynamoDbAuditLog } from '../../adapters/dynamodb-audit-log';
import { loadConfigFile } from '../../config';
import type { ChatopsConfig } from '../../domain/model';
import type { AuditEvent } from '../../domain/request';
import { parseDescription, shortSha } from '../../domain/version-metadata';
import { createHandler } from '../../handler';
import type { HttpResult } from '../../slack/lambda-events';
import { createWorker } from '../../worker';
import { createAuditTable } from '../create-audit-table';
import { lambdaContext } from '../lambda-context';
import { type DynamoDbStandIn, startDynamoDb } from '../stand-ins/dynamodb';
import { type Invocation, LambdaApiStandIn } from '../stand-ins/lambda-api';
import {
  SlackApiStandIn,
  type SlackChange,
  type SlackEphemeral,
  type SlackMessage,
} from '../stand-ins/slack-api';
import { blockActionBody, signedSlackEvent, slashCommandBody } from '../stand-ins/slack-requests';
import { StsStandIn } from '../stand-ins/sts';
import { aliasCallEvent } from './alias-call-event';
import { DEMO_FUNCTIONS, DEMO_OTHER_ACCOUNT, type DemoFunction, demoFunction } from './demo-functions';
import {
  DEMO_BOT,
  DEMO_BOT_SCOPES,
  DEMO_CHANNELS,
  DEMO_GROUPS,
  DEMO_TEAM,
  DEMO_USERS,
  type DemoChannel,
  type DemoGroup,
  type DemoUser,
  demoChannel,
  isDemoUser,
} from './demo-workspace';
import { type RestoreSummary, SandboxLambdaState } from './lambda-state';
import { SandboxRollouts } from './sandbox-rollouts';

export const SANDBOX_CONFIG = fileURLToPath(new URL('./sandbox.config.yml', import.meta.url));
export const AUDIT_TABLE = 'lambda-chatops-sandbox-audit';
/** The bot's Slack-facing function in the Lambda stand-in. */
export const BOT_FUNCTION = 'lambda-chatops-sandbox';
/** The bot's worker function in the Lambda stand-in: what WORKER_FUNCTION_NAME names. */
export const WORKER_FUNCTION = 'lambda-chatops-sandbox-worker';
/** Slack gives up on an answer after this long and shows the user `operation_timeout`. */
const SLACK_TIMEOUT_MS = 3000;
const AUDIT_EVENTS_SHOWN = 12;
/** The sandbox's heartbeat: every minute rather than AWS's 5, so periodic jobs show soon. */
const HEARTBEAT_EVERY_MS = 60_000;
/** Who moves an alias "by hand" in the side panel, as CloudTrail would name them. */
const consoleUser = (accountId: string) => `arn:aws:sts::${accountId}:assumed-role/Admin/console-user`;
/** A faulty demo version's share of failing invocations: far above any sensible guard. */
const FAULTY_ERROR_RATE = 0.3;
const VERSIONS_SHOWN = 6;

export interface SandboxOptions {
  /** Where dynalite's data and the journal of published versions live. */
  dir: string;
  /** Deletes the sandbox's data first. */
  reset?: boolean;
  /** How often the heartbeat invokes the worker; 0 turns it off. Default a minute. */
  heartbeatEveryMs?: number;
  /** Where the bot's log lines go; JSON lines on stdout, as on Lambda, by default. */
  logger?: Logger;
}

export interface FunctionPanel {
  key: string;
  functionName: string;
  stages: string[];
  aliases: Array<{ name: string; version: string; weights: Record<string, number> }>;
  /** Newest first; environment variable keys only, never values. */
  versions: Array<{
    version: string;
    /** The description's free text: its CI tokens are read out (DESIGN.md section 3c). */
    description: string;
    /** The short commit SHA from the description's `sha=` token, when it has one. */
    sha?: string;
    codeSha256: string;
    lastModified: string;
    environmentKeys: string[];
  }>;
  totalVersions: number;
}

function panelDescription(description: string): { description: string; sha?: string } {
  const { text, metadata } = parseDescription(description);
  return { description: text, ...(metadata.sha === undefined ? {} : { sha: shortSha(metadata.sha) }) };
}

export interface Panel {
  functions: FunctionPanel[];
  /** The newest audit events of every function, newest first. */
  audit: AuditEvent[];
}

export interface SandboxSnapshot {
  team: typeof DEMO_TEAM;
  bot: typeof DEMO_BOT;
  users: DemoUser[];
  groups: DemoGroup[];
  channels: DemoChannel[];
  messages: Record<string, SlackMessage[]>;
  ephemerals: Record<string, SlackEphemeral[]>;
  panel: Panel;
}

export type SandboxUpdate = { type: 'slack'; change: SlackChange } | { type: 'panel'; panel: Panel };

export interface CommandOutcome {
  /** The handler's HTTP status. */
  statusCode: number;
  elapsedMs: number;
  /** How Slack showed the answer: nothing (the bot posted on its own), or the reply's visibility. */
  reply: 'none' | 'ephemeral' | 'in_channel' | 'error';
  /** What Slack would have told the user instead of a reply. */
  slackError?: string;
}

export interface ActionFields {
  user: string;
  channel: string;
  messageTs: string;
  actionId: string;
  value: string;
  blockId?: string;
  text?: string;
}

export class SandboxInputError extends Error {
  override name = 'SandboxInputError';
}

export class Sandbox {
  private readonly listeners = new Set<(update: SandboxUpdate) => void>();
  private panelTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Side panel reads under way: close() waits for them, dynalite must not close under a query. */
  private readonly panelReads = new Set<Promise<void>>();
  private closed = false;
  private readonly auditLog: DynamoDbAuditLog;
  private readonly regionalClients = new Map<string, LambdaClient>();
  private readonly config: ChatopsConfig = loadConfigFile(SANDBOX_CONFIG);

  private constructor(
    readonly dir: string,
    readonly restored: RestoreSummary,
    private readonly slack: SlackApiStandIn,
    private readonly lambda: LambdaApiStandIn,
    private readonly dynamo: DynamoDbStandIn,
    private readonly state: SandboxLambdaState,
    private readonly handler: (event: unknown, context: unknown) => Promise<unknown>,
    private readonly signingSecret: string,
    private readonly lambdaClient: LambdaClient,
    private readonly dynamoClient: DynamoDBClient,
    private readonly sts: StsStandIn,
    /** Scheduler, CloudWatch and synthetic traffic: what rollouts need. */
    readonly rollouts: SandboxRollouts,
  ) {
    this.auditLog = new DynamoDbAuditLog(AUDIT_TABLE, dynamoClient);
    slack.on('change', (change) => {
      this.emit({ type: 'slack', change });
      this.schedulePanel();
    });
  }

  static async start(options: SandboxOptions): Promise<Sandbox> {
    const { dir } = options;
    if (options.reset) await resetData(dir);
    await mkdir(dir, { recursive: true });
    const dynamo = await startDynamoDb({ path: join(dir, 'dynamodb') });
    // Two AWS accounts: the bot's, and one where it assumes the roles LambdaChatopsTarget creates.
    const sts = await StsStandIn.start();
    const lambda = await LambdaApiStandIn.start({ identities: sts });
    trustTheBot(sts);
    const rollouts = await SandboxRollouts.start(lambda);
    const slack = await SlackApiStandIn.start({
      team: DEMO_TEAM,
      bot: DEMO_BOT,
      scopes: DEMO_BOT_SCOPES,
      channels: DEMO_CHANNELS.map(({ topic: _topic, ...channel }) => channel),
      usergroups: Object.fromEntries(DEMO_GROUPS.map((group) => [group.id, group.members])),
    });
    Object.assign(process.env, {
      AWS_REGION: lambda.region,
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_STS: sts.url,
      ...rollouts.endpoints,
    });
    delete process.env.AWS_SESSION_TOKEN;
    const dynamoClient = new DynamoDBClient({});
    const lambdaClient = new LambdaClient({});
    try {
      await createAuditTable(dynamoClient, AUDIT_TABLE);
      // dynalite answers CreateTable with CREATING and refuses queries until the table is ACTIVE.
      await waitUntilTableExists(
        { client: dynamoClient, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
        { TableName: AUDIT_TABLE },
      );
      const state = new SandboxLambdaState(lambda, DEMO_FUNCTIONS, join(dir, 'published-versions.json'));
      const restored = await state.restore(dynamoClient, AUDIT_TABLE);
      letThePanelRead(lambda);

      const signingSecret = randomBytes(16).toString('hex');
      const env = {
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_BOT_TOKEN: slack.botToken,
        AUDIT_TABLE_NAME: AUDIT_TABLE,
        CHATOPS_CONFIG: SANDBOX_CONFIG,
        SLACK_API_URL: slack.apiUrl,
        WORKER_FUNCTION_NAME: WORKER_FUNCTION,
      };
      const logging = options.logger ? { logger: options.logger } : {};
      const handler = createHandler(env, logging);
      const worker = createWorker({ ...env, ...rollouts.workerEnv }, logging);
      lambda.createFunction(BOT_FUNCTION, { description: 'The bot: its Slack-facing function' });
      lambda.createFunction(WORKER_FUNCTION, { description: 'The bot: its worker, run by this process' });
      lambda.onInvoke(WORKER_FUNCTION, (payload) => worker(payload, lambdaContext(WORKER_FUNCTION)));
      rollouts.run(
        lambdaContext(WORKER_FUNCTION).invokedFunctionArn,
        (event) => worker(event, lambdaContext(WORKER_FUNCTION)),
        () =>
          Object.fromEntries(
            DEMO_FUNCTIONS.map((fn) => [fn.functionName, Object.keys(fn.spec.aliases ?? {})]),
          ),
      );
      const sandbox = new Sandbox(
        dir,
        restored,
        slack,
        lambda,
        dynamo,
        state,
        handler,
        signingSecret,
        lambdaClient,
        dynamoClient,
        sts,
        rollouts,
      );
      sandbox.startHeartbeat(options.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS);
      return sandbox;
    } catch (error) {
      await Promise.allSettled([
        slack.close(),
        lambda.close(),
        dynamo.close(),
        sts.close(),
        rollouts.close(),
      ]);
      throw error;
    }
  }

  subscribe(listener: (update: SandboxUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `/lambda <text>` typed by a demo user in a channel, answered as Slack would show it. */
  async command(user: string, channel: string, text: string): Promise<CommandOutcome> {
    const { person, place } = this.check(user, channel);
    if (typeof text !== 'string' || text.length > 4000)
      throw new SandboxInputError('text: up to 4000 characters');
    const responseUrl = this.slack.responseUrl({ channel: place.id, user: person.id });
    const body = slashCommandBody({
      // Slack escapes these three in the text it sends (DESIGN.md section 10 relies on it).
      text: text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      userId: person.id,
      userName: person.name.toLowerCase(),
      channelId: place.id,
      channelName: place.name,
      teamId: DEMO_TEAM.id,
      teamDomain: DEMO_TEAM.domain,
      responseUrl,
    });
    const { result, elapsedMs } = await this.call(body);
    const failure = slackFailure(result, elapsedMs);
    if (failure !== undefined) {
      await postToResponseUrl(responseUrl, { text: `/lambda failed with the error "${failure}"` });
      return { statusCode: result.statusCode, elapsedMs, reply: 'error', slackError: failure };
    }
    const reply = replyOf(result);
    if (reply === undefined) return { statusCode: result.statusCode, elapsedMs, reply: 'none' };
    // Slack shows the answer to a slash command as it shows a response_url post: ephemeral unless
    // it says in_channel, and replaceable later through that same response_url.
    await postToResponseUrl(responseUrl, reply);
    const visibility = reply.response_type === 'in_channel' ? 'in_channel' : 'ephemeral';
    return { statusCode: result.statusCode, elapsedMs, reply: visibility };
  }

  /** A button click on a message, as a signed block_actions request. */
  async action(fields: ActionFields): Promise<CommandOutcome> {
    const { person, place } = this.check(fields.user, fields.channel);
    for (const name of ['messageTs', 'actionId', 'value'] as const) {
      if (typeof fields[name] !== 'string' || fields[name] === '')
        throw new SandboxInputError(`${name}: required`);
    }
    const message = this.slack.messages(place.id).find((m) => m.ts === fields.messageTs);
    const responseUrl = this.slack.responseUrl({
      channel: place.id,
      user: person.id,
      messageTs: fields.messageTs,
    });
    const body = blockActionBody({
      userId: person.id,
      userName: person.name.toLowerCase(),
      teamId: DEMO_TEAM.id,
      teamDomain: DEMO_TEAM.domain,
      channelId: place.id,
      channelName: place.name,
      messageTs: fields.messageTs,
      responseUrl,
      actionId: fields.actionId,
      value: fields.value,
      ...(fields.blockId ? { blockId: fields.blockId } : {}),
      ...(fields.text ? { text: fields.text } : {}),
      ...(message ? { message: message as unknown as Record<string, unknown> } : {}),
    });
    const { result, elapsedMs } = await this.call(body);
    const failure = slackFailure(result, elapsedMs);
    return {
      statusCode: result.statusCode,
      elapsedMs,
      reply: failure === undefined ? 'none' : 'error',
      ...(failure === undefined ? {} : { slackError: failure }),
    };
  }

  /**
   * Publishes the function's next demo version, as a deployment pipeline would. A `faulty` one
   * fails a share of its invocations in the sandbox's traffic (until the sandbox restarts), so a
   * rollout of it rolls back by itself.
   */
  async publish(key: unknown, options: { faulty?: boolean } = {}): Promise<string> {
    const fn = demoFunction(key);
    if (fn === undefined)
      throw new SandboxInputError(`function: one of ${DEMO_FUNCTIONS.map((f) => f.key).join(', ')}`);
    const version = await this.state.publishNext(fn, new Date());
    if (options.faulty) this.rollouts.setErrorRate(fn.functionName, version, FAULTY_ERROR_RATE);
    this.schedulePanel(0);
    return version;
  }

  /**
   * What a pipeline's `npm run request` does after publishing: invokes the worker with
   * `ci.promote` (RequestResponse) for the function's newest version on dev, the card going to
   * `channel`. Returns the worker's answer (`ok: false` with the reason when refused).
   */
  async ciPromote(key: unknown, channel: unknown): Promise<Record<string, unknown>> {
    const fn = demoFunction(key);
    if (fn === undefined)
      throw new SandboxInputError(`function: one of ${DEMO_FUNCTIONS.map((f) => f.key).join(', ')}`);
    const place = demoChannel(channel);
    if (place === undefined)
      throw new SandboxInputError(`channel: one of ${DEMO_CHANNELS.map((c) => c.id).join(', ')}`);
    const { versions } = await this.functionPanel(fn.key);
    const newest = versions[0]?.version;
    if (newest === undefined) throw new SandboxInputError(`${fn.key} has no published version`);
    const result = await this.lambdaClient.send(
      new InvokeCommand({
        FunctionName: WORKER_FUNCTION,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(
          JSON.stringify({
            kind: 'ci.promote',
            function: fn.key,
            to: 'dev',
            version: newest,
            channel: place.id,
            requestedBy: `sandbox CI: ${fn.key} pipeline, build ${newest}`,
          }),
        ),
      }),
    );
    this.schedulePanel(0);
    return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || '{}') as Record<string, unknown>;
  }

  /**
   * Moves an alias outside the bot, as a teammate in the console would, and delivers the CloudTrail
   * event EventBridge would: the bot notices the drift at once. A heartbeat first gives aliases the
   * bot has never looked at their baseline, so that the move is a change from a known state.
   */
  async moveByHand(
    key: unknown,
    alias: unknown,
    version: unknown,
  ): Promise<{ alias: string; version: string }> {
    const fn = demoFunction(key);
    if (fn === undefined)
      throw new SandboxInputError(`function: one of ${DEMO_FUNCTIONS.map((f) => f.key).join(', ')}`);
    const stages = this.config.functions[fn.key]?.stages ?? [];
    if (typeof alias !== 'string' || !stages.includes(alias))
      throw new SandboxInputError(`alias: one of ${stages.join(', ')}`);
    if (typeof version !== 'string' || !/^[1-9][0-9]{0,5}$/.test(version))
      throw new SandboxInputError('version: a published version number');
    const panel = await this.functionPanel(fn.key);
    if (panel.totalVersions < Number(version))
      throw new SandboxInputError(`version: ${fn.key} has versions 1 to ${panel.totalVersions}`);
    await this.invokeWorker({ kind: 'heartbeat' }, 'RequestResponse');
    if (fn.place) {
      // Another account's CloudTrail events reach no rule of the bot's: its heartbeat finds the drift.
      this.lambda.inAccount(fn.place.account, fn.place.region).setAlias(fn.functionName, alias, version);
      this.schedulePanel(0);
      return { alias, version };
    }
    this.lambda.setAlias(fn.functionName, alias, version);
    const { revisionId } = this.lambda.alias(fn.functionName, alias);
    await this.invokeWorker(
      aliasCallEvent({
        accountId: this.lambda.accountId,
        region: this.lambda.region,
        functionName: fn.functionName,
        alias,
        version,
        revisionId,
        actor: consoleUser(this.lambda.accountId),
        at: new Date(),
      }),
      'Event',
    );
    this.schedulePanel(0);
    return { alias, version };
  }

  async snapshot(): Promise<SandboxSnapshot> {
    return {
      team: DEMO_TEAM,
      bot: DEMO_BOT,
      users: DEMO_USERS,
      groups: DEMO_GROUPS,
      channels: DEMO_CHANNELS,
      messages: Object.fromEntries(DEMO_CHANNELS.map(({ id }) => [id, this.slack.messages(id)])),
      ephemerals: Object.fromEntries(DEMO_CHANNELS.map(({ id }) => [id, this.slack.ephemerals(id)])),
      panel: await this.panel(),
    };
  }

  /** Aliases, versions and audit events, read through the AWS SDK as the bot reads them. */
  async panel(): Promise<Panel> {
    const functions = await Promise.all(DEMO_FUNCTIONS.map((fn) => this.functionPanel(fn.key)));
    const histories = await Promise.all(
      DEMO_FUNCTIONS.map((fn) => this.auditLog.history(fn.key, { limit: AUDIT_EVENTS_SHOWN })),
    );
    const audit = histories
      .flat()
      .sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1))
      .slice(0, AUDIT_EVENTS_SHOWN);
    return { functions, audit };
  }

  /** The bot's invocations of its own function (its asynchronous work), as the Lambda stand-in saw them. */
  get botInvocations(): Invocation[] {
    return this.lambda.invocations.filter((invocation) => invocation.functionName === WORKER_FUNCTION);
  }

  /** Waits for the bot's asynchronous invocations to finish. */
  idle(): Promise<void> {
    return this.lambda.idle();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.panelTimer);
    clearInterval(this.heartbeatTimer);
    this.listeners.clear();
    await Promise.race([this.lambda.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await Promise.allSettled([...this.panelReads]);
    this.lambdaClient.destroy();
    this.dynamoClient.destroy();
    for (const client of this.regionalClients.values()) client.destroy();
    await Promise.allSettled([
      this.slack.close(),
      this.lambda.close(),
      this.sts.close(),
      this.rollouts.close(),
    ]);
    await this.dynamo.close();
  }

  /** The side panel reads like the console: in the function's own region. */
  private panelClient(fn: DemoFunction): LambdaClient {
    if (!fn.place) return this.lambdaClient;
    let client = this.regionalClients.get(fn.place.region);
    if (!client) {
      client = new LambdaClient({ region: fn.place.region });
      this.regionalClients.set(fn.place.region, client);
    }
    return client;
  }

  private async functionPanel(key: string): Promise<FunctionPanel> {
    const fn = demoFunction(key);
    if (fn === undefined) throw new Error(`unknown demo function ${key}`);
    const aliases: AliasConfiguration[] = [];
    const client = this.panelClient(fn);
    const FunctionName = fn.place
      ? this.lambda.inAccount(fn.place.account, fn.place.region).functionArn(fn.functionName)
      : fn.functionName;
    for await (const page of paginateListAliases({ client }, { FunctionName })) {
      aliases.push(...(page.Aliases ?? []));
    }
    const versions: FunctionConfiguration[] = [];
    const pages = paginateListVersionsByFunction({ client }, { FunctionName });
    for await (const page of pages) versions.push(...(page.Versions ?? []));
    const published = versions.filter((v) => v.Version !== '$LATEST').reverse();
    const stages: string[] = this.config.functions[key]?.stages ?? [];
    const rank = (name: string) => (stages.includes(name) ? stages.indexOf(name) : stages.length);
    return {
      key: fn.key,
      functionName: fn.functionName,
      stages,
      aliases: aliases
        .map((alias) => ({
          name: alias.Name ?? '',
          version: alias.FunctionVersion ?? '',
          weights: { ...alias.RoutingConfig?.AdditionalVersionWeights },
        }))
        .sort((a, b) => rank(a.name) - rank(b.name)),
      versions: published.slice(0, VERSIONS_SHOWN).map((v) => ({
        version: v.Version ?? '',
        ...panelDescription(v.Description ?? ''),
        codeSha256: v.CodeSha256 ?? '',
        lastModified: v.LastModified ?? '',
        environmentKeys: Object.keys(v.Environment?.Variables ?? {}).sort(),
      })),
      totalVersions: published.length,
    };
  }

  /** EventBridge Scheduler's part: the recurring heartbeat invoking the worker (DESIGN.md 3b). */
  private startHeartbeat(everyMs: number): void {
    if (everyMs <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      this.invokeWorker({ kind: 'heartbeat' }, 'Event').catch((error: unknown) =>
        console.error(`sandbox: the heartbeat failed: ${(error as Error).message}`),
      );
    }, everyMs);
    this.heartbeatTimer.unref();
  }

  /** Invokes the worker through the Lambda API, as AWS's services do. */
  private async invokeWorker(payload: unknown, type: 'Event' | 'RequestResponse'): Promise<void> {
    const result = await this.lambdaClient.send(
      new InvokeCommand({
        FunctionName: WORKER_FUNCTION,
        InvocationType: type,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (result.FunctionError) throw new Error(`the worker failed (${result.FunctionError})`);
  }

  private check(user: unknown, channel: unknown): { person: DemoUser; place: DemoChannel } {
    if (!isDemoUser(user))
      throw new SandboxInputError(`user: one of ${DEMO_USERS.map((u) => u.id).join(', ')}`);
    const place = demoChannel(channel);
    if (place === undefined) {
      throw new SandboxInputError(`channel: one of ${DEMO_CHANNELS.map((c) => c.id).join(', ')}`);
    }
    const person = DEMO_USERS.find((u) => u.id === user) as DemoUser;
    return { person, place };
  }

  /** The request the Function URL would deliver, to the handler Lambda would run. */
  private async call(body: string): Promise<{ result: HttpResult; elapsedMs: number }> {
    const started = performance.now();
    const result = (await this.handler(
      signedSlackEvent(this.signingSecret, body),
      lambdaContext(BOT_FUNCTION),
    )) as HttpResult;
    return { result, elapsedMs: Math.round(performance.now() - started) };
  }

  private schedulePanel(delayMs = 100): void {
    if (this.panelTimer !== undefined || this.closed) return;
    this.panelTimer = setTimeout(() => {
      this.panelTimer = undefined;
      const read = this.panel().then(
        (panel) => this.emit({ type: 'panel', panel }),
        (error: unknown) =>
          console.error(`sandbox: the side panel could not be read: ${(error as Error).message}`),
      );
      this.panelReads.add(read);
      void read.finally(() => this.panelReads.delete(read));
    }, delayMs);
  }

  private emit(update: SandboxUpdate): void {
    for (const listener of this.listeners) listener(update);
  }
}

/** Deletes only what the sandbox writes, never the directory's other contents. */
async function resetData(dir: string): Promise<void> {
  await rm(join(dir, 'dynamodb'), { recursive: true, force: true });
  await rm(join(dir, 'published-versions.json'), { force: true });
}

/** What Slack tells the user when the bot's answer is not a usable reply. */
function slackFailure(result: HttpResult, elapsedMs: number): string | undefined {
  if (elapsedMs > SLACK_TIMEOUT_MS) return 'operation_timeout';
  if (result.statusCode !== 200) return 'dispatch_failed';
  return undefined;
}

type Reply = Record<string, unknown> & { response_type?: string };

function replyOf(result: HttpResult): Reply | undefined {
  if (!result.body) return undefined;
  const contentType = Object.entries(result.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  );
  if (contentType?.[1].startsWith('application/json')) return JSON.parse(result.body) as Reply;
  return { text: result.body };
}

async function postToResponseUrl(url: string, payload: Record<string, unknown>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  if (!response.ok) {
    console.error(`sandbox: the reply could not be shown: response_url answered ${await response.text()}`);
  }
}

/** The sandbox's credentials (process.env's): the bot's Slack-facing role, as STS knows it. */
const SANDBOX_PRINCIPAL = {
  accessKeyId: 'sandbox',
  secretAccessKey: 'sandbox',
  arn: 'arn:aws:iam::123456789012:role/lambda-chatops-handler',
};

/** The roles LambdaChatopsTarget creates in the other account, trusting the bot. */
function trustTheBot(sts: StsStandIn): void {
  sts.addPrincipal(SANDBOX_PRINCIPAL);
  const { account, externalId } = DEMO_OTHER_ACCOUNT;
  for (const [role, allowedActions] of [
    [
      'lambda-chatops-reader',
      ['lambda:Get*', 'lambda:List*', 'cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'],
    ],
    ['lambda-chatops-promoter', ['lambda:UpdateAlias']],
  ] as const) {
    sts.addRole({
      arn: `arn:aws:iam::${account}:role/${role}`,
      trustedPrincipals: [SANDBOX_PRINCIPAL.arn],
      externalId,
      allowSetSourceIdentity: true,
      allowedActions,
    });
  }
}

/** The side panel (the sandbox's "console") may list the other account's demo functions too. */
function letThePanelRead(lambda: LambdaApiStandIn): void {
  for (const fn of DEMO_FUNCTIONS) {
    if (!fn.place) continue;
    const place = lambda.inAccount(fn.place.account, fn.place.region);
    for (const action of ['lambda:ListAliases', 'lambda:ListVersionsByFunction']) {
      place.addPermission(fn.functionName, { principal: '123456789012', action });
    }
  }
}
