// The EventBridge Scheduler stand-in (REST-JSON, API version 2021-06-30), on the exact wire format
// of @aws-sdk/client-scheduler (POST/GET/DELETE /schedules/{Name}?groupName=..., POST/GET
// /schedule-groups/{Name}; errors as header x-amzn-errortype + body {Message}; timestamps in epoch
// seconds), reached through AWS_ENDPOINT_URL_SCHEDULER. As strict as AWS: SigV4 for `scheduler`
// required, AWS's validation (names, expressions, time zones, role ARNs, retry policy ranges), the
// group must exist (`default` always does), a taken name is 409 unless it is the same ClientToken
// retried (AWS's idempotency), a missing schedule 404.
//
// Public API (tests, the sandbox, the bot's adapters' tests):
//   const scheduler = await SchedulerStandIn.start({ credentials?, clock?, maxRetryAttempts?, retryDelayMs? })
//   scheduler.url                              for AWS_ENDPOINT_URL_SCHEDULER
//   scheduler.onTarget(arnPrefixOrPredicate, async (input, invocation) => {...})
//                                              what a target ARN runs; a throw is a failed delivery
//   await scheduler.fireDue(now?)              fires every occurrence and retry due at `now` (default
//                                              the clock), in time order; returns the attempts made
//   scheduler.startTicking(ms) / stopTicking() real-time mode for the sandbox (fireDue on a timer)
//   scheduler.schedules(group?)                the schedules as they are, with their next firing time
//   scheduler.attempts / deadLetters           every delivery attempt; events given up on
//   scheduler.calls / resetCalls()             every HTTP request, refused ones included
//   scheduler.failNext(operation, fault, times) an AWS error, or {answerLost: true}: applied, then
//                                              the socket is destroyed (the SDK retries)
//   scheduler.createScheduleGroup(name)        set-up without HTTP
//   scheduler.clearSchedules()                 deletes every schedule and pending retry
//
// Firing, as AWS documents it: a one-time `at(yyyy-mm-ddThh:mm:ss)` in ScheduleExpressionTimezone
// (UTC by default) fires once at that time; `rate(n unit)` fires at StartDate (or creation) and then
// every n units until EndDate. A failing target is retried with exponential backoff until
// RetryPolicy.MaximumRetryAttempts (AWS default 185, capped here by `maxRetryAttempts`, default 3)
// or MaximumEventAgeInSeconds; then the event goes to `deadLetters`. ActionAfterCompletion DELETE
// removes a one-time schedule once its event is done with, delivered or given up on. FLEXIBLE time
// windows fire at the window's start (deterministic for tests). `cron(...)` is refused as
// unsupported by the stand-in, with a ValidationException that says so.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueue, type InjectedFault, isAnswerLost, loseAnswer } from './fault-injection';
import { BodyTooLargeError, delay, HttpStandIn, readBody, sendAwsJson as sendJson } from './http-server';
import { checkSignature } from './sigv4';

export type { AnswerLost, InjectedError, InjectedFault } from './fault-injection';

export const SCHEDULER_OPERATIONS = [
  'CreateSchedule',
  'GetSchedule',
  'DeleteSchedule',
  'CreateScheduleGroup',
  'GetScheduleGroup',
] as const;

export type SchedulerOperation = (typeof SCHEDULER_OPERATIONS)[number];

export interface SchedulerCall {
  operation: SchedulerOperation | 'Unknown';
  /** The schedule's or the group's name from the path. */
  name: string;
  /** The schedule's group (schedule operations only). */
  groupName?: string;
  status: number;
  at: number;
}

export interface RetryPolicyView {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

export interface ScheduleView {
  name: string;
  groupName: string;
  arn: string;
  expression: string;
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  actionAfterCompletion: 'NONE' | 'DELETE';
  description?: string;
  target: {
    arn: string;
    roleArn: string;
    input?: string;
    retryPolicy: RetryPolicyView;
    deadLetterArn?: string;
  };
  /** Epoch ms of the next occurrence; undefined once a one-time schedule has fired. */
  nextFireAt: number | undefined;
  createdAt: number;
}

export interface TargetInvocation {
  schedule: ScheduleView;
  /** Epoch ms of the occurrence this event belongs to. */
  scheduledAt: number;
  /** 1 for the first delivery, 2 for the first retry... */
  attempt: number;
}

/** Receives the target's Input (`{}` when the schedule has none); a throw is a failed delivery. */
export type TargetHandler = (input: string, invocation: TargetInvocation) => Promise<void>;

export interface TargetAttempt {
  scheduleName: string;
  groupName: string;
  targetArn: string;
  input: string;
  scheduledAt: number;
  /** Clock time of the attempt. */
  at: number;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  error?: string;
}

export interface DeadLetter {
  scheduleName: string;
  groupName: string;
  targetArn: string;
  input: string;
  scheduledAt: number;
  attempts: number;
  /** The DeadLetterConfig queue, when the target has one. */
  deadLetterArn?: string;
  lastError: string;
}

export interface SchedulerStandInOptions {
  port?: number;
  region?: string;
  accountId?: string;
  /** When given, signatures are verified with these; otherwise any access key is accepted. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Epoch ms "now" for schedule times (signatures always use the real time). Default Date.now. */
  clock?: () => number;
  /** Cap on retries per event, whatever the policy says (AWS allows 185). Default 3. */
  maxRetryAttempts?: number;
  /** Delay before retry n (1-based). Default 1 s, 2 s, 4 s... capped at 60 s. */
  retryDelayMs?: (retry: number) => number;
}

export class SchedulerError extends Error {
  constructor(
    readonly status: number,
    override readonly name: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface TargetSpec {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
  DeadLetterConfig?: { Arn: string };
}

interface ScheduleRecord {
  name: string;
  groupName: string;
  arn: string;
  expression: string;
  timezone: string;
  /** Epoch ms of a one-time schedule, or the interval of a rate schedule. */
  at?: number;
  rateMs?: number;
  startDate?: number;
  endDate?: number;
  description?: string;
  state: 'ENABLED' | 'DISABLED';
  actionAfterCompletion: 'NONE' | 'DELETE';
  flexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  kmsKeyArn?: string;
  target: TargetSpec;
  clientToken: string;
  createdAt: number;
  modifiedAt: number;
  nextFireAt: number | undefined;
  /** Events of a one-time schedule still being delivered (the schedule is kept until they end). */
  inFlight: number;
}

interface GroupRecord {
  name: string;
  arn: string;
  createdAt: number;
  clientToken?: string;
}

interface PendingRetry {
  key: string;
  scheduledAt: number;
  attempt: number;
  dueAt: number;
  lastError: string;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DEFAULT_GROUP = 'default';
const BODY_LIMIT = 1024 * 1024;

export class SchedulerStandIn extends HttpStandIn {
  /** Injected delay before answering each request. */
  latencyMs = 0;
  readonly calls: SchedulerCall[] = [];
  readonly attempts: TargetAttempt[] = [];
  readonly deadLetters: DeadLetter[] = [];

  private readonly clock: () => number;
  private readonly maxRetryAttempts: number;
  private readonly retryDelayMs: (retry: number) => number;
  private readonly groups = new Map<string, GroupRecord>();
  private readonly records = new Map<string, ScheduleRecord>();
  private readonly deletedTokens = new Map<string, string>();
  private readonly retries: PendingRetry[] = [];
  private readonly targets: { match: (arn: string) => boolean; handler: TargetHandler }[] = [];
  private readonly faults = new FaultQueue(SCHEDULER_OPERATIONS, 'Scheduler stand-in');
  private firing: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: SchedulerStandInOptions,
    readonly region: string,
    readonly accountId: string,
  ) {
    super('Scheduler');
    this.clock = options.clock ?? Date.now;
    this.maxRetryAttempts = options.maxRetryAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? ((retry) => Math.min(1000 * 2 ** (retry - 1), 60_000));
    this.groups.set(DEFAULT_GROUP, {
      name: DEFAULT_GROUP,
      arn: this.groupArn(DEFAULT_GROUP),
      createdAt: this.clock(),
    });
  }

  static async start(options: SchedulerStandInOptions = {}): Promise<SchedulerStandIn> {
    const standIn = new SchedulerStandIn(
      options,
      options.region ?? 'us-east-1',
      options.accountId ?? '123456789012',
    );
    return standIn.listen(options.port);
  }

  groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  scheduleArn(groupName: string, name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${groupName}/${name}`;
  }

  createScheduleGroup(name: string): string {
    return this.addGroup(name, undefined).arn;
  }

  /** Registers what runs for targets whose ARN starts with the prefix (or matches the predicate). */
  onTarget(match: string | ((arn: string) => boolean), handler: TargetHandler): void {
    const test = typeof match === 'string' ? (arn: string) => arn.startsWith(match) : match;
    this.targets.push({ match: test, handler });
  }

  /** The schedules, by group then name; all groups unless one is given. */
  schedules(groupName?: string): ScheduleView[] {
    return [...this.records.values()]
      .filter((record) => groupName === undefined || record.groupName === groupName)
      .sort((a, b) => compare(`${a.groupName}/${a.name}`, `${b.groupName}/${b.name}`))
      .map((record) => view(record));
  }

  failNext(operation: SchedulerOperation, fault: InjectedFault, times = 1): void {
    this.faults.add(operation, fault, times);
  }

  /** Deletes every schedule and pending retry (groups stay), as a fresh account would have none. */
  clearSchedules(): void {
    this.records.clear();
    this.retries.length = 0;
  }

  /** Forgets recorded calls, attempts and dead letters, and pending faults. */
  resetCalls(): void {
    this.calls.length = 0;
    this.attempts.length = 0;
    this.deadLetters.length = 0;
    this.faults.clear();
  }

  /**
   * Delivers everything due at `now`: schedule occurrences and retries, oldest first, one at a
   * time (each awaited). Retries scheduled by this run that are already due run too.
   */
  fireDue(now: number = this.clock()): Promise<TargetAttempt[]> {
    const run = this.firing.then(() => this.fireDueNow(now));
    this.firing = run.catch(() => undefined);
    return run;
  }

  /** Real-time mode (sandbox): fireDue every intervalMs with the clock's time. */
  startTicking(intervalMs = 1000): void {
    this.stopTicking();
    this.ticker = setInterval(() => {
      void this.fireDue();
    }, intervalMs);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  override async close(): Promise<void> {
    this.stopTicking();
    await this.firing;
    await super.close();
  }

  // --- firing -----------------------------------------------------------------------------------

  private async fireDueNow(now: number): Promise<TargetAttempt[]> {
    const made: TargetAttempt[] = [];
    for (;;) {
      const next = this.nextDue(now);
      if (next === undefined) return made;
      const attempt = await this.deliver(next.record, next.scheduledAt, next.attempt, now);
      made.push(attempt);
    }
  }

  /** The earliest due event: a retry, or a schedule's occurrence (which then advances). */
  private nextDue(now: number): { record: ScheduleRecord; scheduledAt: number; attempt: number } | undefined {
    this.retries.sort((a, b) => a.dueAt - b.dueAt);
    let best: { record: ScheduleRecord; scheduledAt: number; attempt: number; dueAt: number } | undefined;
    const retry = this.retries[0];
    if (retry !== undefined && retry.dueAt <= now) {
      const record = this.records.get(retry.key);
      if (record === undefined) {
        // The schedule was deleted meanwhile: its pending event goes with it.
        this.retries.shift();
        return this.nextDue(now);
      }
      best = { record, scheduledAt: retry.scheduledAt, attempt: retry.attempt, dueAt: retry.dueAt };
    }
    for (const record of this.records.values()) {
      const due = record.nextFireAt;
      if (record.state !== 'ENABLED' || due === undefined || due > now) continue;
      if (best === undefined || due < best.dueAt) best = { record, scheduledAt: due, attempt: 1, dueAt: due };
    }
    if (best === undefined) return undefined;
    if (best.attempt > 1) {
      this.retries.shift();
    } else {
      this.advance(best.record);
    }
    return best;
  }

  private advance(record: ScheduleRecord): void {
    const current = record.nextFireAt;
    if (record.rateMs === undefined || current === undefined) {
      record.nextFireAt = undefined;
      record.inFlight += 1;
      return;
    }
    const next = current + record.rateMs;
    record.nextFireAt = record.endDate !== undefined && next > record.endDate ? undefined : next;
  }

  private async deliver(
    record: ScheduleRecord,
    scheduledAt: number,
    attemptNumber: number,
    now: number,
  ): Promise<TargetAttempt> {
    const input = record.target.Input ?? '{}';
    const attempt: TargetAttempt = {
      scheduleName: record.name,
      groupName: record.groupName,
      targetArn: record.target.Arn,
      input,
      scheduledAt,
      at: now,
      attempt: attemptNumber,
      outcome: 'succeeded',
    };
    const target = this.targets.find(({ match }) => match(record.target.Arn));
    try {
      if (target === undefined) throw new Error(`no target registered for ${record.target.Arn}`);
      await target.handler(input, { schedule: view(record), scheduledAt, attempt: attemptNumber });
    } catch (error) {
      attempt.outcome = 'failed';
      attempt.error = error instanceof Error ? error.message : String(error);
    }
    this.attempts.push(attempt);
    if (attempt.outcome === 'failed') {
      const { MaximumRetryAttempts, MaximumEventAgeInSeconds } = record.target.RetryPolicy;
      const retries = Math.min(MaximumRetryAttempts, this.maxRetryAttempts);
      const dueAt = now + this.retryDelayMs(attemptNumber);
      const tooOld = dueAt - scheduledAt > MaximumEventAgeInSeconds * 1000;
      if (attemptNumber <= retries && !tooOld) {
        this.retries.push({
          key: keyOf(record.groupName, record.name),
          scheduledAt,
          attempt: attemptNumber + 1,
          dueAt,
          lastError: attempt.error ?? '',
        });
        return attempt;
      }
      this.deadLetters.push({
        scheduleName: record.name,
        groupName: record.groupName,
        targetArn: record.target.Arn,
        input,
        scheduledAt,
        attempts: attemptNumber,
        ...(record.target.DeadLetterConfig === undefined
          ? {}
          : { deadLetterArn: record.target.DeadLetterConfig.Arn }),
        lastError: attempt.error ?? '',
      });
    }
    this.eventDone(record);
    return attempt;
  }

  private eventDone(record: ScheduleRecord): void {
    if (record.rateMs !== undefined) return;
    record.inFlight -= 1;
    const key = keyOf(record.groupName, record.name);
    const current = this.records.get(key);
    if (record.actionAfterCompletion === 'DELETE' && record.inFlight <= 0 && current === record) {
      this.records.delete(key);
    }
  }

  // --- HTTP -------------------------------------------------------------------------------------

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const route = matchRoute(request.method ?? 'GET', url.pathname);
    const call: SchedulerCall = {
      operation: route?.operation ?? 'Unknown',
      name: route?.name ?? '',
      status: 0,
      at: Date.now(),
    };
    if (route?.operation === 'GetSchedule' || route?.operation === 'DeleteSchedule') {
      call.groupName = url.searchParams.get('groupName') ?? DEFAULT_GROUP;
    }
    this.calls.push(call);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      sendJson(response, status, body, headers);
    };
    const sendError = (error: SchedulerError) =>
      send(error.status, { Message: error.message }, { 'x-amzn-errortype': error.name, ...error.headers });

    let body: Buffer;
    try {
      body = await readBody(request, BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendError(new SchedulerError(413, 'RequestEntityTooLargeException', 'Request is too large'));
    }
    await delay(this.latencyMs);
    const refusal = checkSignature(
      {
        method: request.method ?? 'GET',
        rawPath: url.pathname,
        rawQuery: url.search.slice(1),
        headers: request.headers,
        body,
      },
      { region: this.region, service: 'scheduler', now: new Date(), credentials: this.options.credentials },
    );
    if (refusal !== null) return sendError(new SchedulerError(refusal.status, refusal.name, refusal.message));
    if (route === undefined) {
      return sendError(
        new SchedulerError(
          404,
          'UnknownOperationException',
          `The stand-in serves no operation at ${request.method} ${url.pathname}`,
        ),
      );
    }
    const fault = this.faults.take(route.operation);
    if (fault !== undefined && !isAnswerLost(fault)) {
      return sendError(
        new SchedulerError(
          fault.status,
          fault.name,
          fault.message,
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
        ),
      );
    }
    try {
      const { status, result } = this.dispatch(route, url.searchParams, body, call);
      if (fault !== undefined) {
        call.status = status;
        return loseAnswer(response);
      }
      send(status, result);
    } catch (error) {
      if (!(error instanceof SchedulerError)) throw error;
      sendError(error);
    }
  }

  private dispatch(
    route: Route,
    query: URLSearchParams,
    body: Buffer,
    call: SchedulerCall,
  ): { status: number; result: Record<string, unknown> } {
    switch (route.operation) {
      case 'CreateSchedule': {
        const input = parseObject(body);
        // CreateSchedule carries its group in the body, the others in the query string.
        call.groupName = typeof input.GroupName === 'string' ? input.GroupName : DEFAULT_GROUP;
        return { status: 200, result: { ScheduleArn: this.create(route.name, input) } };
      }
      case 'GetSchedule': {
        const groupName = this.existingGroup(query.get('groupName') ?? DEFAULT_GROUP);
        return { status: 200, result: scheduleJson(this.find(groupName, route.name)) };
      }
      case 'DeleteSchedule': {
        const groupName = this.existingGroup(query.get('groupName') ?? DEFAULT_GROUP);
        this.delete(groupName, route.name, query.get('clientToken') ?? undefined);
        return { status: 200, result: {} };
      }
      case 'CreateScheduleGroup': {
        const input = parseObject(body);
        const token = optionalString(input, 'ClientToken', 1, 64);
        return { status: 200, result: { ScheduleGroupArn: this.addGroup(route.name, token).arn } };
      }
      case 'GetScheduleGroup': {
        const group = this.groups.get(this.validName(route.name, 'name'));
        if (group === undefined) throw notFound(`Schedule group ${route.name} does not exist.`);
        return {
          status: 200,
          result: {
            Arn: group.arn,
            Name: group.name,
            State: 'ACTIVE',
            CreationDate: seconds(group.createdAt),
            LastModificationDate: seconds(group.createdAt),
          },
        };
      }
    }
  }

  private addGroup(name: string, clientToken: string | undefined): GroupRecord {
    this.validName(name, 'name');
    const existing = this.groups.get(name);
    if (existing !== undefined) {
      if (clientToken !== undefined && existing.clientToken === clientToken) return existing;
      throw new SchedulerError(409, 'ConflictException', `Schedule group ${name} already exists.`);
    }
    const group: GroupRecord = { name, arn: this.groupArn(name), createdAt: this.clock() };
    if (clientToken !== undefined) group.clientToken = clientToken;
    this.groups.set(name, group);
    return group;
  }

  private create(name: string, input: Record<string, unknown>): string {
    this.validName(name, 'name');
    const groupName = optionalString(input, 'GroupName', 1, 64) ?? DEFAULT_GROUP;
    this.validName(groupName, 'groupName');
    const clientToken = optionalString(input, 'ClientToken', 1, 64) ?? randomUUID();
    const expression = requiredString(input, 'ScheduleExpression', 1, 256);
    const timezone = optionalString(input, 'ScheduleExpressionTimezone', 1, 50) ?? 'UTC';
    const description = optionalString(input, 'Description', 0, 512);
    const state = optionalEnum(input, 'State', ['ENABLED', 'DISABLED']) ?? 'ENABLED';
    const actionAfterCompletion = optionalEnum(input, 'ActionAfterCompletion', ['NONE', 'DELETE']) ?? 'NONE';
    const kmsKeyArn = optionalString(input, 'KmsKeyArn', 1, 2048);
    const flexibleTimeWindow = parseWindow(requiredObject(input, 'FlexibleTimeWindow', 'flexibleTimeWindow'));
    const target = parseTarget(requiredObject(input, 'Target', 'target'));
    const startDate = optionalDate(input, 'StartDate');
    const endDate = optionalDate(input, 'EndDate');
    if (!isTimeZone(timezone)) {
      throw invalid(`Invalid time zone: ${timezone}.`);
    }
    if (startDate !== undefined && endDate !== undefined && endDate <= startDate) {
      throw invalid('The EndDate you specify must be after the StartDate.');
    }
    const when = parseExpression(expression, timezone);
    // Existence checks come after validation, as AWS answers a malformed request with 400 first.
    this.existingGroup(groupName);
    const key = keyOf(groupName, name);
    const existing = this.records.get(key);
    if (existing !== undefined) {
      // The same request retried (its first answer lost) is not a conflict: AWS's ClientToken.
      if (existing.clientToken === clientToken) return existing.arn;
      throw new SchedulerError(409, 'ConflictException', `Schedule ${name} already exists.`);
    }
    const now = this.clock();
    const record: ScheduleRecord = {
      name,
      groupName,
      arn: this.scheduleArn(groupName, name),
      expression,
      timezone,
      state,
      actionAfterCompletion,
      flexibleTimeWindow,
      target,
      clientToken,
      createdAt: now,
      modifiedAt: now,
      nextFireAt: undefined,
      inFlight: 0,
    };
    if (description !== undefined) record.description = description;
    if (kmsKeyArn !== undefined) record.kmsKeyArn = kmsKeyArn;
    if (startDate !== undefined) record.startDate = startDate;
    if (endDate !== undefined) record.endDate = endDate;
    if (when.kind === 'at') {
      // StartDate and EndDate do not apply to one-time schedules (AWS ignores them).
      record.at = when.at;
      record.nextFireAt = when.at;
    } else {
      record.rateMs = when.rateMs;
      const first = startDate ?? now;
      record.nextFireAt = endDate !== undefined && first > endDate ? undefined : first;
    }
    this.records.set(key, record);
    return record.arn;
  }

  private delete(groupName: string, name: string, clientToken: string | undefined): void {
    this.validName(name, 'name');
    const key = keyOf(groupName, name);
    if (!this.records.has(key)) {
      // The same DeleteSchedule retried after its answer was lost succeeds, per its ClientToken.
      if (clientToken !== undefined && this.deletedTokens.get(clientToken) === key) return;
      throw notFound(`Schedule ${name} does not exist.`);
    }
    this.records.delete(key);
    if (clientToken !== undefined) this.deletedTokens.set(clientToken, key);
  }

  private find(groupName: string, name: string): ScheduleRecord {
    this.validName(name, 'name');
    const record = this.records.get(keyOf(groupName, name));
    if (record === undefined) throw notFound(`Schedule ${name} does not exist.`);
    return record;
  }

  private existingGroup(groupName: string): string {
    this.validName(groupName, 'groupName');
    if (!this.groups.has(groupName)) throw notFound(`Schedule group ${groupName} does not exist.`);
    return groupName;
  }

  private validName(name: string, member: string): string {
    if (!NAME.test(name)) {
      throw invalid(
        `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`,
      );
    }
    return name;
  }
}

interface Route {
  operation: SchedulerOperation;
  name: string;
}

function matchRoute(method: string, rawPath: string): Route | undefined {
  let segments: string[];
  try {
    segments = rawPath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [empty, collection, name, ...extra] = segments;
  if (empty !== '' || name === undefined || name === '' || extra.length > 0) return undefined;
  const operations: Record<string, Partial<Record<string, SchedulerOperation>>> = {
    schedules: { POST: 'CreateSchedule', GET: 'GetSchedule', DELETE: 'DeleteSchedule' },
    'schedule-groups': { POST: 'CreateScheduleGroup', GET: 'GetScheduleGroup' },
  };
  const operation = collection === undefined ? undefined : operations[collection]?.[method];
  return operation === undefined ? undefined : { operation, name };
}

type When = { kind: 'at'; at: number } | { kind: 'rate'; rateMs: number };

function parseExpression(expression: string, timezone: string): When {
  const at = AT.exec(expression);
  if (at !== null) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const utc = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(utc);
    const real =
      check.getUTCFullYear() === year &&
      check.getUTCMonth() === month - 1 &&
      check.getUTCDate() === day &&
      hour < 24 &&
      minute < 60 &&
      second < 60;
    if (!real) throw invalid(`Invalid Schedule Expression ${expression}.`);
    return { kind: 'at', at: zonedToUtc(utc, timezone) };
  }
  const rate = RATE.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
    // AWS: a value of 1 takes the singular unit, any other value the plural.
    if (value < 1 || (value === 1) !== (unit === singular)) {
      throw invalid(`Invalid Schedule Expression ${expression}.`);
    }
    return { kind: 'rate', rateMs: value * (UNIT_MS[singular] ?? 0) };
  }
  if (expression.startsWith('cron(')) {
    throw invalid(
      `The stand-in does not evaluate cron expressions: ${expression}. Use at(...) or rate(...).`,
    );
  }
  throw invalid(`Invalid Schedule Expression ${expression}.`);
}

/** The instant when wall-clock time `wallAsUtc` (fields read as UTC) occurs in timeZone. */
function zonedToUtc(wallAsUtc: number, timeZone: string): number {
  const first = wallAsUtc - offsetAt(wallAsUtc, timeZone);
  return wallAsUtc - offsetAt(first, timeZone);
}

function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function parseWindow(input: Record<string, unknown>): ScheduleRecord['flexibleTimeWindow'] {
  const mode = optionalEnum(input, 'Mode', ['OFF', 'FLEXIBLE']);
  if (mode === undefined) throw missing('flexibleTimeWindow.mode');
  const minutes = optionalInteger(input, 'MaximumWindowInMinutes', 1, 1440);
  if (mode === 'FLEXIBLE' && minutes === undefined) {
    throw invalid('MaximumWindowInMinutes is required when Mode is FLEXIBLE.');
  }
  return minutes === undefined ? { Mode: mode } : { Mode: mode, MaximumWindowInMinutes: minutes };
}

function parseTarget(input: Record<string, unknown>): TargetSpec {
  const arn = requiredString(input, 'Arn', 1, 1600, 'target.arn');
  const roleArn = requiredString(input, 'RoleArn', 1, 1600, 'target.roleArn');
  if (!ROLE_ARN.test(roleArn)) {
    throw invalid(
      `1 validation error detected: Value '${roleArn}' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$`,
    );
  }
  const targetInput = optionalString(input, 'Input', 1, 8192);
  const policy = optionalObject(input, 'RetryPolicy') ?? {};
  const dlq = optionalObject(input, 'DeadLetterConfig');
  const dlqArn = dlq === undefined ? undefined : optionalString(dlq, 'Arn', 1, 1600);
  const target: TargetSpec = {
    Arn: arn,
    RoleArn: roleArn,
    RetryPolicy: {
      MaximumRetryAttempts: optionalInteger(policy, 'MaximumRetryAttempts', 0, 185) ?? 185,
      MaximumEventAgeInSeconds: optionalInteger(policy, 'MaximumEventAgeInSeconds', 60, 86400) ?? 86400,
    },
  };
  if (targetInput !== undefined) target.Input = targetInput;
  if (dlqArn !== undefined) target.DeadLetterConfig = { Arn: dlqArn };
  return target;
}

function view(record: ScheduleRecord): ScheduleView {
  const result: ScheduleView = {
    name: record.name,
    groupName: record.groupName,
    arn: record.arn,
    expression: record.expression,
    timezone: record.timezone,
    state: record.state,
    actionAfterCompletion: record.actionAfterCompletion,
    target: {
      arn: record.target.Arn,
      roleArn: record.target.RoleArn,
      retryPolicy: {
        maximumRetryAttempts: record.target.RetryPolicy.MaximumRetryAttempts,
        maximumEventAgeInSeconds: record.target.RetryPolicy.MaximumEventAgeInSeconds,
      },
    },
    nextFireAt: record.nextFireAt,
    createdAt: record.createdAt,
  };
  if (record.description !== undefined) result.description = record.description;
  if (record.target.Input !== undefined) result.target.input = record.target.Input;
  if (record.target.DeadLetterConfig !== undefined) {
    result.target.deadLetterArn = record.target.DeadLetterConfig.Arn;
  }
  return result;
}

function scheduleJson(record: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: record.arn,
    GroupName: record.groupName,
    Name: record.name,
    ScheduleExpression: record.expression,
    ScheduleExpressionTimezone: record.timezone,
    ...(record.startDate === undefined ? {} : { StartDate: seconds(record.startDate) }),
    ...(record.endDate === undefined ? {} : { EndDate: seconds(record.endDate) }),
    ...(record.description === undefined ? {} : { Description: record.description }),
    State: record.state,
    CreationDate: seconds(record.createdAt),
    LastModificationDate: seconds(record.modifiedAt),
    ...(record.kmsKeyArn === undefined ? {} : { KmsKeyArn: record.kmsKeyArn }),
    Target: record.target,
    FlexibleTimeWindow: record.flexibleTimeWindow,
    ActionAfterCompletion: record.actionAfterCompletion,
  };
}

function keyOf(groupName: string, name: string): string {
  return `${groupName}/${name}`;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalid(message: string): SchedulerError {
  return new SchedulerError(400, 'ValidationException', message);
}

function missing(member: string): SchedulerError {
  return invalid(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

function notFound(message: string): SchedulerError {
  return new SchedulerError(404, 'ResourceNotFoundException', message);
}

function parseObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SchedulerError(400, 'SerializationException', 'Could not parse the request body as JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SchedulerError(400, 'SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function memberPath(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function lengthError(value: string, path: string, min: number, max: number): SchedulerError {
  const bound = value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
  return invalid(
    `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: Member must have length ${bound}`,
  );
}

function optionalString(
  input: Record<string, unknown>,
  member: string,
  min: number,
  max: number,
  path = memberPath(member),
): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new SchedulerError(400, 'SerializationException', `${member} must be a string`);
  }
  if (value.length < min || value.length > max) throw lengthError(value, path, min, max);
  return value;
}

function requiredString(
  input: Record<string, unknown>,
  member: string,
  min: number,
  max: number,
  path = memberPath(member),
): string {
  const value = optionalString(input, member, min, max, path);
  if (value === undefined) throw missing(path);
  return value;
}

function optionalEnum<T extends string>(
  input: Record<string, unknown>,
  member: string,
  values: readonly T[],
): T | undefined {
  const value = optionalString(input, member, 0, 64);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalid(
      `1 validation error detected: Value '${value}' at '${memberPath(member)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  }
  return value as T;
}

function optionalInteger(
  input: Record<string, unknown>,
  member: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new SchedulerError(400, 'SerializationException', `${member} must be an integer`);
  }
  if (value < min || value > max) {
    const bound = value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw invalid(
      `1 validation error detected: Value '${value}' at '${memberPath(member)}' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  return value;
}

function optionalObject(input: Record<string, unknown>, member: string): Record<string, unknown> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SchedulerError(400, 'SerializationException', `${member} must be an object`);
  }
  return value as Record<string, unknown>;
}

function requiredObject(
  input: Record<string, unknown>,
  member: string,
  path: string,
): Record<string, unknown> {
  const value = optionalObject(input, member);
  if (value === undefined) throw missing(path);
  return value;
}

/** Timestamps arrive as epoch seconds (REST-JSON's default). */
function optionalDate(input: Record<string, unknown>, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SchedulerError(400, 'SerializationException', `${member} must be a timestamp`);
  }
  return Math.round(value * 1000);
}
