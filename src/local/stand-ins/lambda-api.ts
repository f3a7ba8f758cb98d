// The Lambda API stand-in (REST, API version 2015-03-31): the subset of Lambda the bot and the sandbox
// use, on the exact wire format of @aws-sdk/client-lambda, as strict as AWS. Requests must carry a
// SigV4 Authorization header for `lambda`; errors carry AWS's names, status codes and message style
// (header x-amzn-errortype, body {Type, message}); every request, refused ones included, is recorded.
// Tests and the sandbox drive the state directly (createFunction, publishVersion, setAlias...).
//
// Accounts and regions: by default the stand-in is one account (123456789012) in one region
// (us-east-1) and accepts any access key (or only `credentials` when given). Started with
// `identities` (the STS stand-in), it is every account and region that has functions: each request
// is authenticated against the verifier (known key, session token for temporary keys, signature,
// expiry), served from the signer's account in the region of its credential scope, and refused as
// AWS does when it names another account's function that no resource-based policy opens to the
// caller (AccessDeniedException) or an action the identity's policies do not allow.
//
// Public API (besides the single-account methods below):
//   LambdaApiStandIn.start({identities: sts, region?, accountId?})   accounts mode
//   inAccount(accountId, region?) → LambdaAccountRegion: createFunction, updateFunction,
//       publishVersion, setAlias, alias, onInvoke, functionArn for that account and region, and
//       addPermission(name, {principal, action}) (a resource-based policy statement)
//   calls[i].account / region / caller / sourceIdentity: who made each authenticated call

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AwsIdentity,
  actionMatches,
  authenticate,
  type IdentityVerifier,
  isAllowed,
} from './aws-identities';
import {
  BodyTooLargeError,
  delay,
  HttpStandIn,
  headerValue,
  readBody,
  sendAwsJson as sendJson,
} from './http-server';
import {
  type AliasState,
  type FunctionSpec,
  type FunctionTarget,
  LambdaApiError,
  LambdaFunctions,
  type ResolvedQualifier,
  type VersionSpec,
  validation,
} from './lambda-functions';
import { checkSignature } from './sigv4';

export type { AliasSpec, AliasState, FunctionSpec, VersionSpec } from './lambda-functions';
export { LambdaApiError } from './lambda-functions';

export const LAMBDA_OPERATIONS = [
  'GetAlias',
  'ListAliases',
  'UpdateAlias',
  'GetFunction',
  'GetFunctionConfiguration',
  'ListVersionsByFunction',
  'PublishVersion',
  'Invoke',
] as const;

export type LambdaOperation = (typeof LAMBDA_OPERATIONS)[number];

export interface LambdaCall {
  /** An operation name, or `Unknown` for a route the stand-in does not serve. */
  operation: LambdaOperation | 'Unknown';
  functionName: string;
  /** The Qualifier, the `:qualifier` of the name, or the alias name of alias operations. */
  qualifier?: string;
  invocationType?: InvocationType;
  status: number;
  at: number;
  /** In accounts mode, once authenticated: the account and region served, the signer's ARN. */
  account?: string;
  region?: string;
  caller?: string;
  /** The SourceIdentity of the signer's session (what CloudTrail would show). */
  sourceIdentity?: string;
}

export type InvocationType = 'Event' | 'RequestResponse' | 'DryRun';

export interface Invocation {
  functionName: string;
  qualifier?: string;
  executedVersion: string;
  invocationType: InvocationType;
  payload: unknown;
  at: number;
  account?: string;
  region?: string;
}

export type InvokeHandler = (payload: unknown, invocation: Invocation) => Promise<unknown>;

export interface InjectedError {
  status: number;
  name: string;
  message: string;
  /** Sent as Retry-After (TooManyRequestsException). */
  retryAfterSeconds?: number;
  /** Carry the call out first, then answer with this error: the change is made, its answer lost. */
  afterApplying?: boolean;
}

export interface LambdaApiOptions {
  port?: number;
  region?: string;
  accountId?: string;
  /** When given, signatures are verified with these; otherwise any access key is accepted. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Accounts mode: requests are authenticated and served per account and region (see the header); `credentials` is then unused. */
  identities?: IdentityVerifier;
}

/** The functions of one account in one region, driven directly by tests and the sandbox. */
export interface LambdaAccountRegion {
  readonly accountId: string;
  readonly region: string;
  functionArn(name: string, qualifier?: string): string;
  createFunction(name: string, spec?: FunctionSpec): void;
  updateFunction(name: string, spec: VersionSpec): void;
  publishVersion(name: string, spec?: VersionSpec): string;
  setAlias(name: string, alias: string, version: string, weights?: Record<string, number>): void;
  alias(name: string, alias: string): AliasState;
  onInvoke(functionName: string, handler: InvokeHandler): void;
  /**
   * A resource-based policy statement, as `lambda add-permission` adds it: lets `principal` (an
   * account id or an IAM ARN) of another account call `action` (`lambda:GetAlias`, `lambda:*`...)
   * on this function, by ARN. The caller's own policies must allow the action too.
   */
  addPermission(functionName: string, statement: { principal: string; action: string }): void;
}

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  body: Buffer;
  call: LambdaCall;
  send(status: number, body: unknown, headers?: Record<string, string>): void;
}

interface Route {
  operation: LambdaOperation;
  functionReference: string;
  aliasName?: string;
}

const API_PREFIX = ['', '2015-03-31', 'functions'];
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
const DEFAULT_PAGE_SIZE = 50;
const MAX_VERSIONS_PAGE = 50;
/** The IAM action each operation is authorised as. */
const IAM_ACTIONS: Record<LambdaOperation, string> = {
  GetAlias: 'lambda:GetAlias',
  ListAliases: 'lambda:ListAliases',
  UpdateAlias: 'lambda:UpdateAlias',
  GetFunction: 'lambda:GetFunction',
  GetFunctionConfiguration: 'lambda:GetFunctionConfiguration',
  ListVersionsByFunction: 'lambda:ListVersionsByFunction',
  PublishVersion: 'lambda:PublishVersion',
  Invoke: 'lambda:InvokeFunction',
};
/** Errors whose modelled member is `Message`, not `message` (client-lambda's schemas). */
const CAPITALISED_MESSAGE = new Set([
  'ResourceNotFoundException',
  'ServiceException',
  'ResourceInUseException',
  'ServiceQuotaExceededException',
]);

export class LambdaApiStandIn extends HttpStandIn {
  /** Injected delay before answering each request. */
  latencyMs = 0;
  readonly calls: LambdaCall[] = [];
  readonly invocations: Invocation[] = [];
  /** What asynchronous (Event) invocations threw: recorded, never thrown. */
  readonly asyncErrors: unknown[] = [];

  private readonly defaultFunctions: LambdaFunctions;
  /** The functions of each `account/region`, the default one included (served in accounts mode). */
  private readonly scopes = new Map<string, LambdaFunctions>();
  /** The account and region the current request is served from (the default outside a request). */
  private readonly requestScope = new AsyncLocalStorage<LambdaFunctions>();
  private readonly handlers = new Map<string, InvokeHandler>();
  /** Resource-based policy statements, by handlerKey. */
  private readonly permissions = new Map<string, { principal: string; action: string }[]>();
  private readonly injected = new Map<string, { error: InjectedError; remaining: number }[]>();
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly options: LambdaApiOptions,
    region: string,
    accountId: string,
  ) {
    super('Lambda API');
    this.defaultFunctions = new LambdaFunctions(region, accountId);
    this.scopes.set(scopeKey(accountId, region), this.defaultFunctions);
  }

  // The dispatch code reads `this.functions`; in accounts mode each request runs in its own scope.
  private get functions(): LambdaFunctions {
    return this.requestScope.getStore() ?? this.defaultFunctions;
  }

  static async start(options: LambdaApiOptions = {}): Promise<LambdaApiStandIn> {
    const standIn = new LambdaApiStandIn(
      options,
      options.region ?? 'us-east-1',
      options.accountId ?? '123456789012',
    );
    return standIn.listen(options.port);
  }

  get region(): string {
    return this.defaultFunctions.region;
  }

  get accountId(): string {
    return this.defaultFunctions.accountId;
  }

  /** The functions of another account and/or region (accounts mode serves them; created on first use). */
  inAccount(accountId: string, region: string = this.region): LambdaAccountRegion {
    if (!/^\d{12}$/.test(accountId)) throw new TypeError(`inAccount: not an account id: ${accountId}`);
    if (!/^[a-z]{2}(?:-gov)?-[a-z]+-\d$/.test(region))
      throw new TypeError(`inAccount: not a region: ${region}`);
    const key = scopeKey(accountId, region);
    const fns = this.scopes.get(key) ?? new LambdaFunctions(region, accountId);
    this.scopes.set(key, fns);
    const inScope = <T>(work: () => T): T => this.requestScope.run(fns, work);
    return {
      accountId,
      region,
      functionArn: (name, qualifier) => fns.functionArn(name, qualifier),
      createFunction: (name, spec = {}) => fns.create(name, spec),
      updateFunction: (name, spec) => fns.updateLatest(name, spec),
      publishVersion: (name, spec = {}) => fns.publish(name, spec),
      setAlias: (name, alias, version, weights = {}) => {
        fns.setAlias(name, alias, version, weights);
      },
      alias: (name, alias) => inScope(() => this.alias(name, alias)),
      onInvoke: (name, handler) => inScope(() => this.onInvoke(name, handler)),
      addPermission: (name, statement) => {
        const functionName = fns.nameOf(name);
        if (!fns.has(functionName)) throw new Error(`addPermission(${name}): createFunction first`);
        const key = handlerKey(fns, functionName);
        this.permissions.set(key, [...(this.permissions.get(key) ?? []), { ...statement }]);
      },
    };
  }

  functionArn(name: string, qualifier?: string): string {
    return this.functions.functionArn(name, qualifier);
  }

  createFunction(name: string, spec: FunctionSpec = {}): void {
    this.functions.create(name, spec);
  }

  /** Deploys to $LATEST without publishing (what PublishVersion over HTTP then publishes). */
  updateFunction(name: string, spec: VersionSpec): void {
    this.functions.updateLatest(name, spec);
  }

  /** Publishes a new version of spec applied to $LATEST; returns its number. */
  publishVersion(name: string, spec: VersionSpec = {}): string {
    return this.functions.publish(name, spec);
  }

  /** Moves or creates an alias out of band (a teammate in the console): its RevisionId changes. */
  setAlias(name: string, alias: string, version: string, weights: Record<string, number> = {}): void {
    this.functions.setAlias(name, alias, version, weights);
  }

  /** Deletes a published version, as `DeleteFunction` with a version Qualifier does. */
  deleteVersion(name: string, version: string): void {
    this.functions.deleteVersion(name, version);
  }

  /** Deletes an alias out of band (a teammate in the console). */
  deleteAlias(name: string, alias: string): void {
    this.functions.deleteAlias(name, alias);
  }

  /**
   * The version an invocation of `name:qualifier` would run, by the alias's weights, drawing from
   * `random` (seed it for deterministic traffic; lambda-traffic.ts uses this).
   */
  executedVersion(name: string, qualifier?: string, random: () => number = Math.random): string {
    return this.functions.executedVersion({ functionName: name, qualifier }, random);
  }

  alias(name: string, alias: string): AliasState {
    const { version, weights, revisionId, description } = this.functions.getAlias(name, alias);
    return { version, weights: { ...weights }, revisionId, description };
  }

  /** Forgets the recorded calls, invocations and asynchronous errors. */
  resetCalls(): void {
    this.calls.length = 0;
    this.invocations.length = 0;
    this.asyncErrors.length = 0;
  }

  /** The next `times` requests for `operation` fail with this error (after the signature check). */
  failNext(operation: LambdaOperation, error: InjectedError, times = 1): void {
    if (!LAMBDA_OPERATIONS.includes(operation)) {
      throw new TypeError(`unknown operation ${operation}: expected one of ${LAMBDA_OPERATIONS.join(', ')}`);
    }
    const queue = this.injected.get(operation) ?? [];
    queue.push({ error, remaining: times });
    this.injected.set(operation, queue);
  }

  /** Runs handler for invocations of this function, whatever the qualifier. */
  onInvoke(functionName: string, handler: InvokeHandler): void {
    const name = this.functions.nameOf(functionName);
    if (!this.functions.has(name)) {
      throw new Error(`onInvoke(${functionName}): createFunction('${name}') first`);
    }
    this.handlers.set(handlerKey(this.functions, name), handler);
  }

  /** Resolves once every asynchronous invocation accepted so far, and those they start, has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const route = matchRoute(request.method ?? 'GET', url.pathname);
    const queryQualifier = url.searchParams.get('Qualifier') ?? undefined;
    const call: LambdaCall = {
      operation: route?.operation ?? 'Unknown',
      functionName: route === undefined ? '' : this.functions.nameOf(route.functionReference),
      status: 0,
      at: Date.now(),
    };
    const qualifier = route?.aliasName ?? queryQualifier ?? qualifierOf(route?.functionReference);
    if (qualifier !== undefined) call.qualifier = qualifier;
    this.calls.push(call);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      sendJson(response, status, body, headers);
    };
    const sendError = (error: LambdaApiError) => {
      call.status = error.status;
      sendAwsError(response, error);
    };

    let body: Buffer;
    try {
      body = await readBody(request, SYNC_PAYLOAD_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendError(
        new LambdaApiError(
          413,
          'RequestTooLargeException',
          `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the ${route?.operation ?? 'requested'} operation`,
        ),
      );
    }
    await delay(this.latencyMs);

    const signed = {
      method: request.method ?? 'GET',
      rawPath: url.pathname,
      rawQuery: url.search.slice(1),
      headers: request.headers,
      body,
    };
    if (this.options.identities !== undefined) {
      return this.serveAuthenticated(
        route,
        { request, response, query: url.searchParams, body, call, send },
        signed,
      );
    }
    const refusal = checkSignature(signed, {
      region: this.functions.region,
      service: 'lambda',
      now: new Date(),
      credentials: this.options.credentials,
    });
    if (refusal !== null) {
      call.status = refusal.status;
      return sendJson(
        response,
        refusal.status,
        { message: refusal.message },
        { 'x-amzn-errortype': refusal.name },
      );
    }
    if (route === undefined) {
      return sendError(
        new LambdaApiError(
          404,
          'UnknownOperationException',
          `The stand-in serves no operation at ${request.method} ${url.pathname}`,
        ),
      );
    }
    try {
      const lost = this.injectedAfterApplying(route.operation);
      if (lost) {
        await this.dispatch(route, {
          request,
          response,
          query: url.searchParams,
          body,
          call,
          send: () => {},
        });
        throw lost;
      }
      this.throwInjected(route.operation);
      await this.dispatch(route, { request, response, query: url.searchParams, body, call, send });
    } catch (error) {
      if (!(error instanceof LambdaApiError)) throw error;
      sendError(error);
    }
  }

  private injectedAfterApplying(operation: LambdaOperation): LambdaApiError | undefined {
    const next = this.injected.get(operation)?.[0];
    if (!next?.error.afterApplying) return undefined;
    try {
      this.throwInjected(operation);
    } catch (error) {
      return error as LambdaApiError;
    }
    return undefined;
  }

  /** Accounts mode: the signer's identity decides the account, its credential scope the region. */
  private async serveAuthenticated(
    route: Route | undefined,
    exchange: Exchange,
    signed: Parameters<typeof authenticate>[0],
  ): Promise<void> {
    const { request, response, call } = exchange;
    const verifier = this.options.identities;
    if (verifier === undefined) throw new Error('serveAuthenticated without identities');
    const regions = new Set([...this.scopes.values()].map((fns) => fns.region));
    const authentication = authenticate(signed, verifier, {
      service: 'lambda',
      acceptsRegion: (region) => regions.has(region),
      fallbackRegion: this.region,
    });
    if (authentication.refusal !== undefined) {
      const { status, name, message } = authentication.refusal;
      call.status = status;
      return sendJson(response, status, { message }, { 'x-amzn-errortype': name });
    }
    const { identity, region } = authentication;
    call.account = identity.account;
    call.region = region;
    call.caller = identity.arn;
    if (identity.sourceIdentity !== undefined) call.sourceIdentity = identity.sourceIdentity;
    const fail = (error: LambdaApiError) => {
      call.status = error.status;
      sendAwsError(response, error);
    };
    if (route === undefined) {
      return fail(
        new LambdaApiError(
          404,
          'UnknownOperationException',
          `The stand-in serves no operation at ${request.method} ${signed.rawPath}`,
        ),
      );
    }
    try {
      const fns = this.authorize(route, identity, this.scope(identity.account, region));
      call.account = fns.accountId;
      call.functionName = fns.nameOf(route.functionReference);
      await this.requestScope.run(fns, async () => {
        const lost = this.injectedAfterApplying(route.operation);
        if (lost) {
          await this.dispatch(route, { ...exchange, send: () => {} });
          throw lost;
        }
        this.throwInjected(route.operation);
        await this.dispatch(route, exchange);
      });
    } catch (error) {
      if (!(error instanceof LambdaApiError)) throw error;
      fail(error);
    }
  }

  /** An account's functions in a region; one that has none yet is empty (and not kept). */
  private scope(accountId: string, region: string): LambdaFunctions {
    return this.scopes.get(scopeKey(accountId, region)) ?? new LambdaFunctions(region, accountId);
  }

  /**
   * What IAM decides before Lambda looks for the function, and the functions that answer: the
   * caller's own account's, or another account's that a resource-based policy opens to it.
   */
  private authorize(route: Route, identity: AwsIdentity, own: LambdaFunctions): LambdaFunctions {
    const action = IAM_ACTIONS[route.operation];
    const named =
      /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:([a-z0-9-]+):)?(\d{12}):(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/.exec(
        route.functionReference,
      );
    if (named === null || named[2] === identity.account) {
      if (!isAllowed(identity, action)) {
        const name = own.nameOf(route.functionReference);
        throw accessDenied(identity, action, own.functionArn(name, route.aliasName), 'identity-based');
      }
      return own;
    }
    const [, region = own.region, account = '', name = '', qualifier] = named;
    const resource = `arn:aws:lambda:${region}:${account}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
    const statements = this.permissions.get(`${scopeKey(account, region)}/${name}`) ?? [];
    const granted = statements.some(
      (statement) =>
        actionMatches([statement.action], action) &&
        [identity.account, `arn:aws:iam::${identity.account}:root`, identity.arn, identity.roleArn].includes(
          statement.principal,
        ),
    );
    if (!granted) throw accessDenied(identity, action, resource, 'resource-based');
    if (!isAllowed(identity, action)) throw accessDenied(identity, action, resource, 'identity-based');
    // Another region's function stays unreachable: the signing region is the endpoint's.
    return this.scope(account, own.region);
  }

  private throwInjected(operation: LambdaOperation): void {
    const queue = this.injected.get(operation);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    const { status, name, message, retryAfterSeconds } = next.error;
    const extra: Record<string, string> =
      name === 'TooManyRequestsException' ? { Reason: 'CallerRateLimitExceeded' } : {};
    const headers: Record<string, string> =
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    throw new LambdaApiError(status, name, message, extra, headers);
  }

  private async dispatch(route: Route, exchange: Exchange): Promise<void> {
    const { query, body, send } = exchange;
    const fns = this.functions;
    switch (route.operation) {
      case 'GetAlias': {
        const name = this.existingName(route.functionReference);
        const alias = route.aliasName ?? '';
        return send(200, this.aliasJson(name, alias, fns.getAlias(name, alias)));
      }
      case 'UpdateAlias': {
        const name = this.existingName(route.functionReference);
        const alias = route.aliasName ?? '';
        const input = parseJsonObject(body);
        const routing = optionalObject(input, 'RoutingConfig');
        const updated = fns.updateAlias(name, alias, {
          version: optionalString(input, 'FunctionVersion'),
          description: optionalString(input, 'Description'),
          revisionId: optionalString(input, 'RevisionId'),
          weights: routing === undefined ? undefined : weightsOf(routing),
        });
        return send(200, this.aliasJson(name, alias, updated));
      }
      case 'ListAliases': {
        const name = this.existingName(route.functionReference);
        const versionFilter = query.get('FunctionVersion') ?? undefined;
        const pageSize = maxItems(query, Number.POSITIVE_INFINITY);
        const marker = query.get('Marker');
        const after = marker === null ? undefined : fns.readMarker(name, marker);
        const matching = fns
          .aliases(name)
          .filter(
            ([alias, state]) =>
              (after === undefined || alias > after) && matchesVersion(state, versionFilter),
          );
        const page = matching.slice(0, pageSize);
        const last = page.at(-1);
        return send(200, {
          Aliases: page.map(([alias, state]) => this.aliasJson(name, alias, state)),
          ...(matching.length > page.length && last !== undefined
            ? { NextMarker: fns.marker(name, last[0]) }
            : {}),
        });
      }
      case 'ListVersionsByFunction': {
        const name = this.existingName(route.functionReference);
        const pageSize = maxItems(query, MAX_VERSIONS_PAGE);
        const marker = query.get('Marker');
        const after = marker === null ? -1 : Number(fns.readMarker(name, marker));
        const remaining = fns.versionsAfter(name, after);
        const page = remaining.slice(0, pageSize);
        const last = page.at(-1);
        const lastPosition = last === undefined || last.version === '$LATEST' ? '0' : last.version;
        return send(200, {
          Versions: page.map((record) =>
            this.configurationJson(name, { record, arn: fns.functionArn(name, record.version) }),
          ),
          ...(remaining.length > page.length ? { NextMarker: fns.marker(name, lastPosition) } : {}),
        });
      }
      case 'GetFunctionConfiguration':
      case 'GetFunction': {
        const target = this.target(route, query);
        const configuration = this.configurationJson(target.functionName, fns.resolveQualifier(target));
        if (route.operation === 'GetFunctionConfiguration') return send(200, configuration);
        return send(200, {
          Configuration: configuration,
          Code: {
            RepositoryType: 'S3',
            Location: `https://awslambda-${fns.region}-tasks.s3.${fns.region}.amazonaws.com/snapshots/${fns.accountId}/${target.functionName}-${randomUUID()}`,
          },
        });
      }
      case 'PublishVersion': {
        const name = this.existingName(route.functionReference);
        const input = parseJsonObject(body);
        const record = fns.publishLatest(name, {
          codeSha256: optionalString(input, 'CodeSha256'),
          description: optionalString(input, 'Description'),
          revisionId: optionalString(input, 'RevisionId'),
        });
        return send(
          201,
          this.configurationJson(name, { record, arn: fns.functionArn(name, record.version) }),
        );
      }
      case 'Invoke':
        return this.invoke(route, exchange);
    }
  }

  private async invoke(route: Route, exchange: Exchange): Promise<void> {
    const { request, response, query, body, call, send } = exchange;
    const invocationType = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (invocationType !== 'Event' && invocationType !== 'RequestResponse' && invocationType !== 'DryRun') {
      throw validation(
        invocationType,
        'invocationType',
        '[Event, RequestResponse, DryRun]',
        'Member must satisfy enum value set:',
      );
    }
    call.invocationType = invocationType;
    if (invocationType === 'Event' && body.length > ASYNC_PAYLOAD_LIMIT) {
      throw new LambdaApiError(
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${ASYNC_PAYLOAD_LIMIT} bytes for the InvokeAsync operation`,
      );
    }
    // Lambda hands a function `{}` when the caller sent no payload.
    const payload = body.length === 0 ? {} : parsePayload(body);
    const target = this.target(route, query);
    const executedVersion = this.functions.executedVersion(target);
    if (invocationType === 'DryRun') return send(204, undefined);

    const invocation: Invocation = {
      functionName: target.functionName,
      executedVersion,
      invocationType,
      payload,
      at: Date.now(),
    };
    if (target.qualifier !== undefined) invocation.qualifier = target.qualifier;
    if (this.options.identities !== undefined) {
      invocation.account = this.functions.accountId;
      invocation.region = this.functions.region;
    }
    this.invocations.push(invocation);
    const handler = this.handlers.get(handlerKey(this.functions, target.functionName));

    if (invocationType === 'Event') {
      this.runAfterResponse(response, send, handler, payload, invocation);
      return;
    }
    try {
      const result = handler === undefined ? null : await handler(payload, invocation);
      send(200, result ?? null, { 'x-amz-executed-version': executedVersion });
    } catch (error) {
      send(
        200,
        {
          errorType: error instanceof Error ? error.name : 'Error',
          errorMessage: error instanceof Error ? error.message : String(error),
          trace: error instanceof Error ? (error.stack ?? '').split('\n') : [],
        },
        { 'x-amz-executed-version': executedVersion, 'x-amz-function-error': 'Unhandled' },
      );
    }
  }

  /** Event invocations: 202 first, then the handler, as Lambda's queue does it. */
  private runAfterResponse(
    response: ServerResponse,
    send: (status: number, body: unknown) => void,
    handler: InvokeHandler | undefined,
    payload: unknown,
    invocation: Invocation,
  ): void {
    if (handler === undefined) {
      send(202, undefined);
      return;
    }
    let started = false;
    const done = new Promise<void>((resolve) => {
      // Lambda's queue runs the function whether or not the caller is still listening.
      const run = () => {
        if (started) return;
        started = true;
        setImmediate(() => {
          handler(payload, invocation)
            .catch((error: unknown) => {
              this.asyncErrors.push(error);
            })
            .finally(resolve);
        });
      };
      response.once('finish', run);
      response.once('close', run);
    });
    this.pending.add(done);
    done.finally(() => this.pending.delete(done));
    send(202, undefined);
  }

  private target(route: Route, query: URLSearchParams): FunctionTarget {
    return this.functions.resolveTarget(route.functionReference, query.get('Qualifier') ?? undefined);
  }

  /** For operations that take no qualifier: the name, with the function required to exist. */
  private existingName(reference: string): string {
    const { functionName } = this.functions.resolveTarget(reference, undefined);
    this.functions.resolveQualifier({ functionName, qualifier: undefined });
    return functionName;
  }

  private aliasJson(name: string, alias: string, state: AliasState): Record<string, unknown> {
    return {
      AliasArn: this.functions.functionArn(name, alias),
      Name: alias,
      FunctionVersion: state.version,
      Description: state.description,
      ...(Object.keys(state.weights).length > 0
        ? { RoutingConfig: { AdditionalVersionWeights: { ...state.weights } } }
        : {}),
      RevisionId: state.revisionId,
    };
  }

  private configurationJson(name: string, { record, arn }: ResolvedQualifier): Record<string, unknown> {
    const { role, handler } = this.functions.config(name);
    return {
      FunctionName: name,
      FunctionArn: arn,
      Runtime: record.runtime,
      Role: role,
      Handler: handler,
      CodeSize: codeSize(record.codeSha256),
      Description: record.description,
      Timeout: record.timeout,
      MemorySize: record.memorySize,
      LastModified: record.lastModified,
      CodeSha256: record.codeSha256,
      Version: record.version,
      ...(Object.keys(record.environment).length > 0
        ? { Environment: { Variables: { ...record.environment } } }
        : {}),
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: record.revisionId,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: [...record.architectures],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
    };
  }
}

function scopeKey(accountId: string, region: string): string {
  return `${accountId}/${region}`;
}

function handlerKey(fns: LambdaFunctions, name: string): string {
  return `${scopeKey(fns.accountId, fns.region)}/${name}`;
}

function accessDenied(
  identity: AwsIdentity,
  action: string,
  resource: string,
  policy: 'resource-based' | 'identity-based',
): LambdaApiError {
  return new LambdaApiError(
    403,
    'AccessDeniedException',
    `User: ${identity.arn} is not authorized to perform: ${action} on resource: ${resource} because no ${policy} policy allows the ${action} action`,
  );
}

function matchRoute(method: string, rawPath: string): Route | undefined {
  let segments: string[];
  try {
    segments = rawPath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  if (API_PREFIX.some((part, index) => segments[index] !== part)) return undefined;
  const [functionReference, collection, item, ...extra] = segments.slice(API_PREFIX.length);
  if (!functionReference || extra.length > 0) return undefined;
  const route = (operation: LambdaOperation, aliasName?: string): Route =>
    aliasName === undefined ? { operation, functionReference } : { operation, functionReference, aliasName };
  if (collection === undefined) return method === 'GET' ? route('GetFunction') : undefined;
  if (item !== undefined) {
    if (collection !== 'aliases' || !item) return undefined;
    if (method === 'GET') return route('GetAlias', item);
    return method === 'PUT' ? route('UpdateAlias', item) : undefined;
  }
  const operations: Record<string, Partial<Record<string, LambdaOperation>>> = {
    configuration: { GET: 'GetFunctionConfiguration' },
    aliases: { GET: 'ListAliases' },
    versions: { GET: 'ListVersionsByFunction', POST: 'PublishVersion' },
    invocations: { POST: 'Invoke' },
  };
  const operation = operations[collection]?.[method];
  return operation === undefined ? undefined : route(operation);
}

function qualifierOf(reference: string | undefined): string | undefined {
  const match = reference === undefined ? null : /:(\$LATEST|[a-zA-Z0-9_-]+)$/.exec(reference);
  if (match === null || reference === undefined) return undefined;
  // `name:qualifier` and ARNs ending in `function:name:qualifier`; not `function:name` itself.
  const parts = reference.split(':');
  const functionIndex = parts.indexOf('function');
  const nameIndex = functionIndex >= 0 ? functionIndex + 1 : 0;
  return parts.length > nameIndex + 1 ? match[1] : undefined;
}

function matchesVersion(state: AliasState, version: string | undefined): boolean {
  return version === undefined || state.version === version || version in state.weights;
}

function maxItems(query: URLSearchParams, cap: number): number {
  const raw = query.get('MaxItems');
  if (raw === null) return Math.min(DEFAULT_PAGE_SIZE, cap);
  const value = Number(raw);
  if (!Number.isInteger(value)) {
    throw new LambdaApiError(400, 'InvalidParameterValueException', `Invalid value for MaxItems: ${raw}`);
  }
  if (value < 1) throw validation(raw, 'maxItems', 'value greater than or equal to 1', 'Member must have');
  if (value > 10000)
    throw validation(raw, 'maxItems', 'value less than or equal to 10000', 'Member must have');
  return Math.min(value, cap);
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const parsed = parsePayload(body);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LambdaApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  return parsed as Record<string, unknown>;
}

function parsePayload(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new LambdaApiError(
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  return value;
}

function optionalObject(input: Record<string, unknown>, member: string): Record<string, unknown> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'an object');
  return value as Record<string, unknown>;
}

function weightsOf(routing: Record<string, unknown>): Record<string, number> {
  const weights = optionalObject(routing, 'AdditionalVersionWeights') ?? {};
  for (const value of Object.values(weights)) {
    if (typeof value !== 'number') throw wrongType('RoutingConfig.AdditionalVersionWeights', 'numbers');
  }
  return weights as Record<string, number>;
}

function wrongType(member: string, expected: string): LambdaApiError {
  return new LambdaApiError(
    400,
    'InvalidRequestContentException',
    `Could not parse request body into json: ${member} must be ${expected}`,
  );
}

function codeSize(codeSha256: string): number {
  const digest = createHash('sha256').update(codeSha256).digest();
  return 2048 + digest.readUInt16BE(0);
}

function sendAwsError(response: ServerResponse, error: LambdaApiError): void {
  const messageMember = CAPITALISED_MESSAGE.has(error.name) ? 'Message' : 'message';
  sendJson(
    response,
    error.status,
    { Type: error.status >= 500 ? 'Service' : 'User', [messageMember]: error.message, ...error.extra },
    { 'x-amzn-errortype': error.name, ...error.headers },
  );
}
