// The CloudWatch stand-in, on the wire format of the installed @aws-sdk/client-cloudwatch: AWS JSON
// 1.0 in "query compatible" mode (POST / with `x-amz-target: GraniteServiceVersion20100801.<Op>`,
// content-type application/x-amz-json-1.0, timestamps in epoch seconds; errors as {__type, message}
// plus the `x-amzn-query-error: <QueryCode>;Sender|Receiver` header the SDK maps back to its error
// classes). Reached through AWS_ENDPOINT_URL_CLOUDWATCH; SigV4 for `monitoring` required.
//
// Public API:
//   const cloudwatch = await CloudWatchStandIn.start({ credentials?, clock?, lagMs? })
//   cloudwatch.url                                 for AWS_ENDPOINT_URL_CLOUDWATCH
//   cloudwatch.putDatum({ namespace, metricName, dimensions, value, at })
//                                                  one data point (at: epoch ms; dimensions as a map)
//   cloudwatch.lagMs = 60_000                      a point is visible only lagMs after its timestamp
//   cloudwatch.putMetricAlarm({...}) / setAlarmState(name, 'ALARM'|'OK'|'INSUFFICIENT_DATA', reason)
//   cloudwatch.alarm(name)                         an alarm as DescribeAlarms would return it
//   cloudwatch.calls / resetCalls(), failNext(operation, fault, times) (fault: an AWS error or
//                                                  {answerLost: true}), clearMetrics()
// Operations over HTTP: GetMetricData, DescribeAlarms, PutMetricAlarm, SetAlarmState.
//
// As AWS does: a metric is found by its namespace, name and exact dimension set (a query with fewer
// or more dimensions finds another metric, usually none); results hold only periods that have data
// (no point, no entry: AWS/Lambda Errors has no zeros); periods are aligned on multiples of Period
// since the epoch, from StartTime rounded down to EndTime (exclusive); ScanBy orders them (newest
// first by default); MaxDatapoints bounds a page, NextToken resumes, StatusCode says PartialData while
// a query has more. Metric math (`Expression`) and percentiles are refused as unsupported here.
// Alarms are not evaluated from data: their state is set by setAlarmState (or the SetAlarmState API).

import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type IdentityVerifier } from './aws-identities';
import { FaultQueue, type InjectedFault, isAnswerLost, loseAnswer } from './fault-injection';
import { BodyTooLargeError, delay, HttpStandIn, headerValue, readBody, sendAwsJson } from './http-server';
import { checkSignature } from './sigv4';

export type { AnswerLost, InjectedError, InjectedFault } from './fault-injection';

export const CLOUDWATCH_OPERATIONS = [
  'GetMetricData',
  'DescribeAlarms',
  'PutMetricAlarm',
  'SetAlarmState',
] as const;

export type CloudWatchOperation = (typeof CLOUDWATCH_OPERATIONS)[number];

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface CloudWatchCall {
  operation: CloudWatchOperation | 'Unknown';
  status: number;
  at: number;
}

export interface Datum {
  namespace: string;
  metricName: string;
  /** The exact dimension set, e.g. {FunctionName: 'orders', Resource: 'orders:prod'}. */
  dimensions: Record<string, string>;
  value: number;
  /** Epoch ms of the data point. */
  at: number;
}

export interface MetricAlarmSpec {
  alarmName: string;
  namespace: string;
  metricName: string;
  dimensions?: Record<string, string>;
  statistic?: 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
  period?: number;
  evaluationPeriods?: number;
  threshold?: number;
  comparisonOperator?: string;
  description?: string;
}

export interface CloudWatchStandInOptions {
  port?: number;
  region?: string;
  accountId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Epoch ms "now" for metric visibility and alarm timestamps. Default Date.now. */
  clock?: () => number;
  /** How long after its timestamp a data point becomes visible. Default 0. */
  lagMs?: number;
  /**
   * Accounts mode (the STS stand-in): each request's account is its signer's, its region its
   * credential scope's, and it sees only that account and region's metrics and alarms, as on AWS.
   */
  identities?: IdentityVerifier;
}

/** One account and region's metrics and alarms, set up from code (`inAccount`). */
export interface CloudWatchAccountRegion {
  putDatum(datum: Datum): void;
  putMetricAlarm(spec: MetricAlarmSpec): void;
  setAlarmState(name: string, state: AlarmState, reason: string): void;
}

interface Scope {
  metrics: Map<string, StoredMetric>;
  alarms: Map<string, AlarmRecord>;
}

export class CloudWatchError extends Error {
  constructor(
    readonly status: number,
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

interface StoredMetric {
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  points: { at: number; value: number }[];
}

interface AlarmRecord {
  config: Record<string, unknown>;
  name: string;
  state: AlarmState;
  reason: string;
  reasonData?: string;
  stateUpdatedAt: number;
  configUpdatedAt: number;
}

interface Query {
  id: string;
  label: string;
  returnData: boolean;
  key: string;
  period: number;
  stat: Stat;
}

type Stat = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const STATS: readonly Stat[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const TOKEN_KEY = 'cloudwatch-stand-in-token';
const BODY_LIMIT = 1024 * 1024;
/** The awsQuery error code each JSON error name maps back to (client-cloudwatch's schemas). */
const QUERY_CODES: Record<string, string> = {
  InvalidParameterValueException: 'InvalidParameterValue',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  MissingRequiredParameterException: 'MissingParameter',
  InvalidNextToken: 'InvalidNextToken',
  ResourceNotFound: 'ResourceNotFound',
  ValidationException: 'ValidationError',
  LimitExceededFault: 'LimitExceeded',
  InternalServiceFault: 'InternalServiceError',
  ThrottlingException: 'Throttling',
};

export class CloudWatchStandIn extends HttpStandIn {
  latencyMs = 0;
  /** How long after its timestamp a data point becomes visible to GetMetricData. */
  lagMs: number;
  readonly calls: CloudWatchCall[] = [];

  private readonly clock: () => number;
  private readonly scopes = new Map<string, Scope>();
  /** The account and region the current call works in (`<account>/<region>`); set synchronously. */
  private scopeKey: string;
  private readonly faults = new FaultQueue(CLOUDWATCH_OPERATIONS, 'CloudWatch stand-in');

  private constructor(
    private readonly options: CloudWatchStandInOptions,
    readonly region: string,
    readonly accountId: string,
  ) {
    super('CloudWatch');
    this.clock = options.clock ?? Date.now;
    this.lagMs = options.lagMs ?? 0;
    this.scopeKey = `${accountId}/${region}`;
  }

  private get scope(): Scope {
    let scope = this.scopes.get(this.scopeKey);
    if (!scope) {
      scope = { metrics: new Map(), alarms: new Map() };
      this.scopes.set(this.scopeKey, scope);
    }
    return scope;
  }

  private get metrics(): Map<string, StoredMetric> {
    return this.scope.metrics;
  }

  private get alarms(): Map<string, AlarmRecord> {
    return this.scope.alarms;
  }

  /** Runs `work` in one account and region (synchronously: no other call can interleave). */
  private within<T>(key: string, work: () => T): T {
    const previous = this.scopeKey;
    this.scopeKey = key;
    try {
      return work();
    } finally {
      this.scopeKey = previous;
    }
  }

  /** Another account and region's metrics and alarms (accounts mode). */
  inAccount(accountId: string, region: string = this.region): CloudWatchAccountRegion {
    const key = `${accountId}/${region}`;
    this.within(key, () => this.scope);
    return {
      putDatum: (datum) => this.within(key, () => this.putDatum(datum)),
      putMetricAlarm: (spec) => this.within(key, () => this.putMetricAlarm(spec)),
      setAlarmState: (name, state, reason) => this.within(key, () => this.setAlarmState(name, state, reason)),
    };
  }

  static async start(options: CloudWatchStandInOptions = {}): Promise<CloudWatchStandIn> {
    const standIn = new CloudWatchStandIn(
      options,
      options.region ?? 'us-east-1',
      options.accountId ?? '123456789012',
    );
    return standIn.listen(options.port);
  }

  putDatum(datum: Datum): void {
    if (!Number.isFinite(datum.value)) throw new TypeError('putDatum: value must be a finite number');
    if (!Number.isFinite(datum.at)) throw new TypeError('putDatum: at must be epoch milliseconds');
    const dimensions = Object.entries(datum.dimensions).map(([Name, Value]) => ({ Name, Value }));
    const key = metricKey(datum.namespace, datum.metricName, dimensions);
    const metric = this.metrics.get(key) ?? {
      namespace: datum.namespace,
      metricName: datum.metricName,
      dimensions: sortDimensions(dimensions),
      points: [],
    };
    metric.points.push({ at: datum.at, value: datum.value });
    this.metrics.set(key, metric);
  }

  clearMetrics(): void {
    for (const scope of this.scopes.values()) scope.metrics.clear();
  }

  /** Creates or overwrites a metric alarm as PutMetricAlarm does (a new one is INSUFFICIENT_DATA). */
  putMetricAlarm(spec: MetricAlarmSpec): void {
    this.writeAlarm({
      AlarmName: spec.alarmName,
      Namespace: spec.namespace,
      MetricName: spec.metricName,
      Dimensions: Object.entries(spec.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
      Statistic: spec.statistic ?? 'Sum',
      Period: spec.period ?? 60,
      EvaluationPeriods: spec.evaluationPeriods ?? 1,
      Threshold: spec.threshold ?? 1,
      ComparisonOperator: spec.comparisonOperator ?? 'GreaterThanOrEqualToThreshold',
      ...(spec.description === undefined ? {} : { AlarmDescription: spec.description }),
    });
  }

  setAlarmState(name: string, state: AlarmState, reason: string, reasonData?: string): void {
    const alarm = this.alarms.get(name);
    if (alarm === undefined) throw new CloudWatchError(404, 'ResourceNotFound', `Alarm ${name} not found`);
    if (!ALARM_STATES.includes(state)) throw new TypeError(`setAlarmState: unknown state ${state}`);
    alarm.state = state;
    alarm.reason = reason;
    if (reasonData === undefined) delete alarm.reasonData;
    else alarm.reasonData = reasonData;
    alarm.stateUpdatedAt = this.clock();
  }

  /** The alarm as DescribeAlarms returns it (timestamps as Dates), or undefined. */
  alarm(name: string): Record<string, unknown> | undefined {
    const alarm = this.alarms.get(name);
    return alarm === undefined ? undefined : this.alarmJson(alarm, (ms) => new Date(ms));
  }

  failNext(operation: CloudWatchOperation, fault: InjectedFault, times = 1): void {
    this.faults.add(operation, fault, times);
  }

  resetCalls(): void {
    this.calls.length = 0;
    this.faults.clear();
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const target = headerValue(request, 'x-amz-target') ?? '';
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = (CLOUDWATCH_OPERATIONS as readonly string[]).includes(name)
      ? (name as CloudWatchOperation)
      : undefined;
    const call: CloudWatchCall = { operation: operation ?? 'Unknown', status: 0, at: Date.now() };
    this.calls.push(call);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      sendJson(response, status, body, headers);
    };
    const sendError = (error: CloudWatchError) => {
      const code = QUERY_CODES[error.name] ?? error.name;
      send(
        error.status,
        { __type: `com.amazonaws.cloudwatch#${error.name}`, message: error.message },
        {
          'x-amzn-query-error': `${code};${error.status >= 500 ? 'Receiver' : 'Sender'}`,
        },
      );
    };

    let body: Buffer;
    try {
      body = await readBody(request, BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendError(new CloudWatchError(413, 'RequestEntityTooLarge', 'Request size exceeded 1 MB'));
    }
    await delay(this.latencyMs);
    const signed = {
      method: request.method ?? 'POST',
      rawPath: url.pathname,
      rawQuery: url.search.slice(1),
      headers: request.headers,
      body,
    };
    let scopeKey = this.scopeKey;
    let refusal: { status: number; name: string; message: string } | null;
    if (this.options.identities) {
      const known = new Set([...this.scopes.keys()].map((key) => key.split('/')[1] ?? ''));
      const authentication = authenticate(signed, this.options.identities, {
        service: 'monitoring',
        acceptsRegion: (region) => known.has(region),
        fallbackRegion: this.region,
      });
      if (authentication.refusal !== undefined) refusal = authentication.refusal;
      else {
        refusal = null;
        scopeKey = `${authentication.identity.account}/${authentication.region}`;
      }
    } else {
      refusal = checkSignature(signed, {
        region: this.region,
        service: 'monitoring',
        now: new Date(),
        credentials: this.options.credentials,
      });
    }
    if (refusal !== null) {
      call.status = refusal.status;
      return sendJson(
        response,
        refusal.status,
        { __type: refusal.name, message: refusal.message },
        { 'x-amzn-query-error': `${refusal.name};Sender` },
      );
    }
    const contentType = headerValue(request, 'content-type') ?? '';
    if (
      operation === undefined ||
      request.method !== 'POST' ||
      !contentType.startsWith('application/x-amz-json-1.0')
    ) {
      return sendError(
        new CloudWatchError(400, 'UnknownOperationException', `The stand-in serves no operation ${target}`),
      );
    }
    const fault = this.faults.take(operation);
    if (fault !== undefined && !isAnswerLost(fault)) {
      return sendError(new CloudWatchError(fault.status, fault.name, fault.message));
    }
    try {
      const input = parseObject(body);
      const result = this.within(scopeKey, () => this.dispatch(operation, input));
      if (fault !== undefined) {
        call.status = 200;
        return loseAnswer(response);
      }
      send(200, result);
    } catch (error) {
      if (!(error instanceof CloudWatchError)) throw error;
      sendError(error);
    }
  }

  private dispatch(operation: CloudWatchOperation, input: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'GetMetricData':
        return this.getMetricData(input);
      case 'DescribeAlarms':
        return this.describeAlarms(input);
      case 'PutMetricAlarm':
        this.writeAlarm(input);
        return {};
      case 'SetAlarmState': {
        const name = requiredString(input, 'AlarmName');
        const state = requiredString(input, 'StateValue');
        const reason = requiredString(input, 'StateReason');
        if (!(ALARM_STATES as readonly string[]).includes(state))
          throw enumError('StateValue', state, ALARM_STATES);
        const reasonData = optionalString(input, 'StateReasonData');
        if (reasonData !== undefined) {
          try {
            JSON.parse(reasonData);
          } catch {
            throw new CloudWatchError(400, 'InvalidFormatFault', 'StateReasonData is not valid JSON');
          }
        }
        this.setAlarmState(name, state as AlarmState, reason, reasonData);
        return {};
      }
    }
  }

  // --- GetMetricData ----------------------------------------------------------------------------

  private getMetricData(input: Record<string, unknown>): Record<string, unknown> {
    const rawQueries = input.MetricDataQueries;
    if (!Array.isArray(rawQueries) || rawQueries.length === 0) throw required('MetricDataQueries');
    if (rawQueries.length > 500) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        'The collection MetricDataQueries must not have a size greater than 500.',
      );
    }
    const start = requiredTime(input, 'StartTime');
    const end = requiredTime(input, 'EndTime');
    if (start >= end) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        'The parameter StartTime must be less than the parameter EndTime.',
      );
    }
    const scanBy = optionalString(input, 'ScanBy') ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
      throw enumError('ScanBy', scanBy, ['TimestampDescending', 'TimestampAscending']);
    }
    const maxDatapoints = optionalInteger(input, 'MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
    if (maxDatapoints < 1) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        'The parameter MaxDatapoints must be greater than 0.',
      );
    }
    const queries = rawQueries.map((raw, index) => parseQuery(raw, index + 1));
    const ids = new Set<string>();
    for (const query of queries) {
      if (ids.has(query.id)) {
        throw new CloudWatchError(
          400,
          'ValidationException',
          `The values for parameter id in MetricDataQueries are not unique.`,
        );
      }
      ids.add(query.id);
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ q: rawQueries, start, end, scanBy }))
      .digest('base64url')
      .slice(0, 16);
    const token = optionalString(input, 'NextToken');
    let skip = token === undefined ? 0 : readToken(token, fingerprint);

    const now = this.clock();
    const series = queries.map((query) => this.series(query, start, end, now, scanBy));
    let budget = maxDatapoints;
    let more = false;
    const results = queries.flatMap((query, index) => {
      const all = series[index] ?? [];
      const skipped = Math.min(skip, all.length);
      skip -= skipped;
      const page = all.slice(skipped, skipped + budget);
      budget -= page.length;
      const remaining = all.length > skipped + page.length;
      more ||= remaining;
      if (!query.returnData) return [];
      return [
        {
          Id: query.id,
          Label: query.label,
          Timestamps: page.map(([at]) => at / 1000),
          Values: page.map(([, value]) => value),
          StatusCode: remaining ? 'PartialData' : 'Complete',
        },
      ];
    });
    const consumed = (token === undefined ? 0 : readToken(token, fingerprint)) + maxDatapoints - budget;
    return {
      MetricDataResults: results,
      ...(more ? { NextToken: makeToken(consumed, fingerprint) } : {}),
      Messages: [],
    };
  }

  /** [period start (ms), statistic] for each period with visible data, in ScanBy order. */
  private series(query: Query, start: number, end: number, now: number, scanBy: string): [number, number][] {
    const metric = this.metrics.get(query.key);
    if (metric === undefined) return [];
    const periodMs = query.period * 1000;
    const from = Math.floor(start / periodMs) * periodMs;
    const buckets = new Map<number, number[]>();
    for (const point of metric.points) {
      if (point.at < from || point.at >= end || point.at + this.lagMs > now) continue;
      const bucket = Math.floor(point.at / periodMs) * periodMs;
      const values = buckets.get(bucket) ?? [];
      values.push(point.value);
      buckets.set(bucket, values);
    }
    const rows = [...buckets.entries()].map(([at, values]): [number, number] => [
      at,
      statistic(query.stat, values),
    ]);
    rows.sort(([a], [b]) => (scanBy === 'TimestampAscending' ? a - b : b - a));
    return rows;
  }

  // --- alarms -----------------------------------------------------------------------------------

  private describeAlarms(input: Record<string, unknown>): Record<string, unknown> {
    const names = optionalStringList(input, 'AlarmNames');
    const prefix = optionalString(input, 'AlarmNamePrefix');
    if (names !== undefined && prefix !== undefined) {
      throw new CloudWatchError(
        400,
        'InvalidParameterCombinationException',
        'AlarmNames and AlarmNamePrefix cannot be specified together.',
      );
    }
    if (names !== undefined && names.length > 100) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        'The collection AlarmNames must not have a size greater than 100.',
      );
    }
    const state = optionalString(input, 'StateValue');
    if (state !== undefined && !(ALARM_STATES as readonly string[]).includes(state)) {
      throw enumError('StateValue', state, ALARM_STATES);
    }
    const types = optionalStringList(input, 'AlarmTypes') ?? ['MetricAlarm'];
    for (const type of types) {
      if (type !== 'MetricAlarm' && type !== 'CompositeAlarm')
        throw enumError('AlarmTypes', type, ['CompositeAlarm', 'MetricAlarm']);
    }
    const maxRecords = optionalInteger(input, 'MaxRecords') ?? 50;
    if (maxRecords < 1 || maxRecords > 100) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        `The parameter MaxRecords must be between 1 and 100.`,
      );
    }
    const token = optionalString(input, 'NextToken');
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ names, prefix, state, types }))
      .digest('base64url')
      .slice(0, 16);
    const offset = token === undefined ? 0 : readToken(token, fingerprint);
    const matching = types.includes('MetricAlarm')
      ? [...this.alarms.values()]
          .filter(
            (alarm) =>
              (names === undefined || names.includes(alarm.name)) &&
              (prefix === undefined || alarm.name.startsWith(prefix)) &&
              (state === undefined || alarm.state === state),
          )
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      : [];
    const page = matching.slice(offset, offset + maxRecords);
    return {
      MetricAlarms: page.map((alarm) => this.alarmJson(alarm, (ms) => ms / 1000)),
      CompositeAlarms: [],
      ...(matching.length > offset + page.length
        ? { NextToken: makeToken(offset + page.length, fingerprint) }
        : {}),
    };
  }

  private writeAlarm(input: Record<string, unknown>): void {
    const name = requiredString(input, 'AlarmName');
    if (name.length > 255) {
      throw new CloudWatchError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255`,
      );
    }
    const evaluationPeriods = optionalInteger(input, 'EvaluationPeriods');
    if (evaluationPeriods === undefined) throw required('EvaluationPeriods');
    if (evaluationPeriods < 1) {
      throw new CloudWatchError(
        400,
        'InvalidParameterValueException',
        'The parameter EvaluationPeriods must be greater than or equal to 1.',
      );
    }
    const comparison = optionalString(input, 'ComparisonOperator');
    if (comparison === undefined) throw required('ComparisonOperator');
    if (!COMPARISONS.includes(comparison)) throw enumError('ComparisonOperator', comparison, COMPARISONS);
    if (input.Metrics === undefined) {
      for (const member of ['Namespace', 'MetricName', 'Period']) {
        if (input[member] === undefined || input[member] === null) throw required(member);
      }
      const statistic = optionalString(input, 'Statistic');
      if (statistic === undefined && input.ExtendedStatistic === undefined) throw required('Statistic');
      if (statistic !== undefined && !(STATS as readonly string[]).includes(statistic))
        throw enumError('Statistic', statistic, STATS);
      const period = optionalInteger(input, 'Period') ?? 0;
      if (!(period === 10 || period === 30 || (period >= 60 && period % 60 === 0))) {
        throw new CloudWatchError(400, 'ValidationException', 'Period must be 10, 30 or a multiple of 60');
      }
      if (typeof input.Threshold !== 'number') throw required('Threshold');
    }
    const treat = optionalString(input, 'TreatMissingData');
    if (treat !== undefined && !['breaching', 'notBreaching', 'ignore', 'missing'].includes(treat)) {
      throw enumError('TreatMissingData', treat, ['breaching', 'notBreaching', 'ignore', 'missing']);
    }
    const now = this.clock();
    const { Tags: _tags, ...config } = input;
    const existing = this.alarms.get(name);
    if (existing !== undefined) {
      // AWS overwrites the whole configuration and leaves the state as it was.
      existing.config = config;
      existing.configUpdatedAt = now;
      return;
    }
    this.alarms.set(name, {
      name,
      config,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      stateUpdatedAt: now,
      configUpdatedAt: now,
    });
  }

  private alarmJson<T>(alarm: AlarmRecord, time: (ms: number) => T): Record<string, unknown> {
    return {
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      Dimensions: [],
      ...alarm.config,
      AlarmName: alarm.name,
      AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${alarm.name}`,
      AlarmConfigurationUpdatedTimestamp: time(alarm.configUpdatedAt),
      StateValue: alarm.state,
      StateReason: alarm.reason,
      ...(alarm.reasonData === undefined ? {} : { StateReasonData: alarm.reasonData }),
      StateUpdatedTimestamp: time(alarm.stateUpdatedAt),
      StateTransitionedTimestamp: time(alarm.stateUpdatedAt),
    };
  }
}

function parseQuery(raw: unknown, position: number): Query {
  const where = `MetricDataQueries.member.${position}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CloudWatchError(400, 'ValidationException', `${where} must be a structure`);
  }
  const input = raw as Record<string, unknown>;
  const id = optionalString(input, 'Id');
  if (id === undefined) throw required(`${where}.Id`);
  if (!QUERY_ID.test(id) || id.length > 255) {
    throw new CloudWatchError(
      400,
      'ValidationException',
      `The value ${id} for parameter ${where}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
    );
  }
  const stat = input.MetricStat;
  const hasExpression = input.Expression !== undefined && input.Expression !== null;
  if ((stat === undefined || stat === null) === !hasExpression) {
    throw new CloudWatchError(
      400,
      'ValidationException',
      `Exactly one of Expression and MetricStat must be specified in ${where}.`,
    );
  }
  if (hasExpression) {
    throw new CloudWatchError(
      400,
      'ValidationException',
      `The stand-in does not evaluate metric math (${where}.Expression); query each metric with MetricStat.`,
    );
  }
  const metricStat = stat as Record<string, unknown>;
  const metric = metricStat.Metric as Record<string, unknown> | undefined;
  if (metric === undefined || metric === null) throw required(`${where}.MetricStat.Metric`);
  const namespace = optionalString(metric, 'Namespace');
  const metricName = optionalString(metric, 'MetricName');
  if (namespace === undefined) throw required(`${where}.MetricStat.Metric.Namespace`);
  if (metricName === undefined) throw required(`${where}.MetricStat.Metric.MetricName`);
  const dimensions = parseDimensions(metric.Dimensions, `${where}.MetricStat.Metric.Dimensions`);
  const period = optionalInteger(metricStat, 'Period');
  if (period === undefined) throw required(`${where}.MetricStat.Period`);
  if (!([1, 5, 10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0))) {
    throw new CloudWatchError(
      400,
      'ValidationException',
      `The value ${period} for parameter ${where}.MetricStat.Period is invalid: it must be 1, 5, 10, 20, 30 or a multiple of 60.`,
    );
  }
  const statName = optionalString(metricStat, 'Stat');
  if (statName === undefined) throw required(`${where}.MetricStat.Stat`);
  if (!(STATS as readonly string[]).includes(statName)) {
    throw new CloudWatchError(
      400,
      'ValidationException',
      `The value ${statName} for parameter ${where}.MetricStat.Stat is not supported by the stand-in (${STATS.join(', ')}).`,
    );
  }
  return {
    id,
    label: optionalString(input, 'Label') ?? metricName,
    returnData: input.ReturnData !== false,
    key: metricKey(namespace, metricName, dimensions),
    period,
    stat: statName as Stat,
  };
}

function parseDimensions(raw: unknown, where: string): { Name: string; Value: string }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new CloudWatchError(400, 'ValidationException', `${where} must be a list`);
  if (raw.length > 30) {
    throw new CloudWatchError(
      400,
      'InvalidParameterValueException',
      `The collection ${where} must not have a size greater than 30.`,
    );
  }
  return raw.map((item, index) => {
    const dimension = (item ?? {}) as Record<string, unknown>;
    const name = optionalString(dimension, 'Name');
    const value = optionalString(dimension, 'Value');
    if (name === undefined) throw required(`${where}.member.${index + 1}.Name`);
    if (value === undefined) throw required(`${where}.member.${index + 1}.Value`);
    return { Name: name, Value: value };
  });
}

function sortDimensions(dimensions: { Name: string; Value: string }[]): { Name: string; Value: string }[] {
  return [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

function metricKey(
  namespace: string,
  metricName: string,
  dimensions: { Name: string; Value: string }[],
): string {
  return JSON.stringify([namespace, metricName, sortDimensions(dimensions).map((d) => [d.Name, d.Value])]);
}

function statistic(stat: Stat, values: number[]): number {
  switch (stat) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
}

function makeToken(offset: number, fingerprint: string): string {
  const payload = `${offset}.${fingerprint}`;
  const tag = createHmac('sha256', TOKEN_KEY).update(payload).digest('base64url').slice(0, 16);
  return Buffer.from(`${payload}.${tag}`).toString('base64url');
}

/** The offset a NextToken resumes at; refused when forged or from another request. */
function readToken(token: string, fingerprint: string): number {
  const [offset, tokenFingerprint] = Buffer.from(token, 'base64url').toString('utf8').split('.');
  if (
    offset !== undefined &&
    tokenFingerprint === fingerprint &&
    makeToken(Number(offset), fingerprint) === token
  ) {
    return Number(offset);
  }
  throw new CloudWatchError(
    400,
    'InvalidNextToken',
    'The service could not process the NextToken: it is invalid or belongs to another request.',
  );
}

function required(member: string): CloudWatchError {
  return new CloudWatchError(
    400,
    'MissingRequiredParameterException',
    `The parameter ${member} is required.`,
  );
}

function enumError(member: string, value: string, values: readonly string[]): CloudWatchError {
  return new CloudWatchError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
  );
}

function parseObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw new CloudWatchError(400, 'SerializationException', 'Could not parse the request body as JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CloudWatchError(400, 'SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new CloudWatchError(400, 'SerializationException', `${member} must be a string`);
  return value;
}

function requiredString(input: Record<string, unknown>, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') throw required(member);
  return value;
}

function optionalInteger(input: Record<string, unknown>, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new CloudWatchError(400, 'SerializationException', `${member} must be an integer`);
  }
  return value;
}

function optionalStringList(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new CloudWatchError(400, 'SerializationException', `${member} must be a list of strings`);
  }
  return value as string[];
}

/** Epoch seconds (AWS JSON's timestamps) to epoch ms. */
function requiredTime(input: Record<string, unknown>, member: string): number {
  const value = input[member];
  if (value === undefined || value === null) throw required(member);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CloudWatchError(400, 'SerializationException', `${member} must be a timestamp`);
  }
  return Math.round(value * 1000);
}

/** AWS JSON 1.0 (query-compatible), as client-cloudwatch reads it. */
function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  sendAwsJson(response, status, body, { 'content-type': 'application/x-amz-json-1.0', ...headers });
}
