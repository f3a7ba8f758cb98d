// The STS stand-in: AssumeRole and GetCallerIdentity on the wire format of @aws-sdk/client-sts
// (AWS Query, API version 2011-06-15: a form-encoded POST, XML answers and XML errors
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>), reached
// through AWS_ENDPOINT_URL_STS. As strict as AWS: SigV4 for `sts` with a known key (and its session
// token for temporary keys), a role assumed only by a principal its trust names, with the external
// id it requires, and SourceIdentity only where the trust allows sts:SetSourceIdentity. It is also
// the identity registry of the other stand-ins: the Lambda stand-in verifies signatures with it.
//
// Public API:
//   StsStandIn.start({port?, clock?})       a running stand-in; `url` for AWS_ENDPOINT_URL_STS
//   addPrincipal({accessKeyId, secretAccessKey, arn, allowedActions?})   base (long-term) credentials
//   addRole({arn, trustedPrincipals, externalId?, allowSetSourceIdentity, maxSessionDuration?,
//            allowedActions?})              trustedPrincipals: account ids or principal/role ARNs
//   identityOf(accessKeyId) → AwsIdentity | undefined   (account, arn, sourceIdentity, expiresAt...)
//   now() / clock                           credential lifetimes follow `clock` (tests move it)
//   assumeRoles: AssumeRoleRecord[]         every authenticated, well-formed AssumeRole, granted or refused
//   calls: StsCall[]                        every request, refused ones included
//   failNext(operation, {status, code, message}, times?)   injected errors, after authentication
//   loseNextAnswer(operation, times?)       the operation runs (credentials issued), the answer is lost
//   resetCalls(), close()
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AwsIdentity, authenticate, type IdentityVerifier, isAllowed } from './aws-identities';
import { BodyTooLargeError, delay, HttpStandIn, headerValue, readBody } from './http-server';

export const STS_OPERATIONS = ['AssumeRole', 'GetCallerIdentity'] as const;
export type StsOperation = (typeof STS_OPERATIONS)[number];

export interface StsPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:iam::<account>:role/<name>` (e.g. a function's role). */
  arn: string;
  allowedActions?: readonly string[];
}

export interface StsRole {
  /** `arn:aws:iam::<account>:role/<path/>name`. */
  arn: string;
  /** Account ids (`111122223333`, any principal of that account) or principal / role ARNs. */
  trustedPrincipals: readonly string[];
  /** When set, the trust policy's sts:ExternalId condition: AssumeRole must pass exactly this. */
  externalId?: string;
  /** Whether the trust policy allows sts:SetSourceIdentity. */
  allowSetSourceIdentity: boolean;
  /** The role's MaxSessionDuration in seconds (AWS's default 3600). */
  maxSessionDuration?: number;
  /** What the role's permission policies allow its sessions (`lambda:Get*`...); absent, everything. */
  allowedActions?: readonly string[];
}

export interface AssumeRoleRecord {
  /** The caller's ARN. */
  caller: string;
  callerAccount: string;
  roleArn: string;
  roleSessionName: string;
  sourceIdentity?: string;
  externalId?: string;
  durationSeconds: number;
  /** `granted`, or the error code answered. */
  outcome: string;
  /** The temporary access key issued, when granted. */
  accessKeyId?: string;
  at: Date;
}

export interface StsCall {
  /** An operation name, or the Action sent when the stand-in does not serve it. */
  operation: string;
  status: number;
  code?: string;
  caller?: string;
  at: Date;
}

export interface InjectedStsError {
  status: number;
  /** The Query error code, e.g. `Throttling`, `InternalFailure`, `RegionDisabledException`. */
  code: string;
  message: string;
}

export interface StsOptions {
  port?: number;
  /** The clock credentials are issued and expire by; the real one by default. */
  clock?: () => Date;
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const API_VERSION = '2011-06-15';
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
/** What STS takes for a role ARN at all (a well-formed ARN of a role that does not exist is AccessDenied). */
const ANY_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/;
const SESSION_CHARS = /^[\w+=,.@-]*$/;
const EXTERNAL_ID_CHARS = /^[\w+=,.@:/-]*$/;
const CHAINED_SESSION_LIMIT = 3600;
/** What AWS's Query front end calls the JSON services' signature refusals. */
const QUERY_CODES: Record<string, string> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  ExpiredTokenException: 'ExpiredToken',
};

export class StsStandIn extends HttpStandIn implements IdentityVerifier {
  latencyMs = 0;
  clock: () => Date;
  readonly calls: StsCall[] = [];
  readonly assumeRoles: AssumeRoleRecord[] = [];

  private readonly identities = new Map<string, AwsIdentity>();
  private readonly roles = new Map<string, StsRole & { roleId: string }>();
  private readonly injected = new Map<StsOperation, { error?: InjectedStsError; remaining: number }[]>();

  private constructor(options: StsOptions) {
    super('STS');
    this.clock = options.clock ?? (() => new Date());
  }

  static async start(options: StsOptions = {}): Promise<StsStandIn> {
    const standIn = new StsStandIn(options);
    return standIn.listen(options.port);
  }

  now(): Date {
    return this.clock();
  }

  addPrincipal(principal: StsPrincipal): void {
    const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal.arn)?.[1];
    if (account === undefined)
      throw new TypeError(`addPrincipal: not an IAM principal ARN: ${principal.arn}`);
    const identity: AwsIdentity = {
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      account,
      arn: principal.arn,
    };
    if (/:role\//.test(principal.arn)) identity.roleArn = principal.arn;
    if (principal.allowedActions !== undefined) identity.allowedActions = [...principal.allowedActions];
    this.identities.set(principal.accessKeyId, identity);
  }

  addRole(role: StsRole): void {
    if (!ROLE_ARN.test(role.arn)) throw new TypeError(`addRole: not a role ARN: ${role.arn}`);
    const max = role.maxSessionDuration ?? 3600;
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      throw new RangeError(`addRole: maxSessionDuration must be 3600..43200 seconds, not ${max}`);
    }
    this.roles.set(role.arn, { ...role, roleId: `AROA${randomId(17)}` });
  }

  identityOf(accessKeyId: string): AwsIdentity | undefined {
    const identity = this.identities.get(accessKeyId);
    return identity === undefined ? undefined : { ...identity };
  }

  failNext(operation: StsOperation, error: InjectedStsError, times = 1): void {
    this.queue(operation).push({ error, remaining: times });
  }

  /** The next `times` requests run (AssumeRole issues credentials) but the connection drops before the answer. */
  loseNextAnswer(operation: StsOperation, times = 1): void {
    this.queue(operation).push({ remaining: times });
  }

  resetCalls(): void {
    this.calls.length = 0;
    this.assumeRoles.length = 0;
  }

  private queue(operation: StsOperation): { error?: InjectedStsError; remaining: number }[] {
    if (!STS_OPERATIONS.includes(operation)) {
      throw new TypeError(`unknown operation ${operation}: expected one of ${STS_OPERATIONS.join(', ')}`);
    }
    const queue = this.injected.get(operation) ?? [];
    this.injected.set(operation, queue);
    return queue;
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const call: StsCall = { operation: 'Unknown', status: 0, at: this.now() };
    this.calls.push(call);
    const sendError = (error: StsError) => {
      call.status = error.status;
      call.code = error.code;
      sendXml(response, error.status, errorXml(error));
    };
    let body: Buffer;
    try {
      body = await readBody(request, 64 * 1024);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendError(new StsError(413, 'RequestEntityTooLarge', 'Request body is too large'));
    }
    await delay(this.latencyMs);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const form = new URLSearchParams(
      (headerValue(request, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')
        ? body.toString('utf8')
        : '',
    );
    for (const [name, value] of url.searchParams) if (!form.has(name)) form.set(name, value);
    call.operation = form.get('Action') ?? 'Unknown';

    const authentication = authenticate(
      {
        method: request.method ?? 'POST',
        rawPath: url.pathname,
        rawQuery: url.search.slice(1),
        headers: request.headers,
        body,
      },
      this,
      { service: 'sts', acceptsRegion: (region) => REGION.test(region), fallbackRegion: 'us-east-1' },
    );
    if (authentication.refusal !== undefined) {
      const { status, name, message } = authentication.refusal;
      return sendError(new StsError(status, QUERY_CODES[name] ?? name, message));
    }
    const caller = authentication.identity;
    call.caller = caller.arn;
    try {
      const operation = operationOf(form);
      const injected = this.takeInjected(operation);
      if (injected?.error !== undefined) {
        const { status, code, message } = injected.error;
        throw new StsError(status, code, message);
      }
      const answer =
        operation === 'AssumeRole'
          ? this.assumeRole(caller, form)
          : callerIdentityXml(caller, this.roleIdOf(caller));
      if (injected !== undefined) {
        // The work is done; the caller never hears of it (a timeout or a dropped connection).
        call.status = 200;
        response.socket?.destroy();
        return;
      }
      call.status = 200;
      sendXml(response, 200, answer);
    } catch (error) {
      if (!(error instanceof StsError)) throw error;
      sendError(error);
    }
  }

  private takeInjected(operation: StsOperation): { error?: InjectedStsError } | undefined {
    const queue = this.injected.get(operation);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next;
  }

  private assumeRole(caller: AwsIdentity, form: URLSearchParams): string {
    const roleArn = form.get('RoleArn');
    const sessionName = form.get('RoleSessionName');
    const externalId = form.get('ExternalId') ?? undefined;
    const requestedSourceIdentity = form.get('SourceIdentity') ?? undefined;
    const durationText = form.get('DurationSeconds');
    const durationSeconds = durationText === null ? 3600 : Number(durationText);
    validate([
      required(roleArn, 'roleArn'),
      length(roleArn, 'roleArn', 20, 2048),
      required(sessionName, 'roleSessionName'),
      length(sessionName, 'roleSessionName', 2, 64),
      pattern(sessionName, 'roleSessionName', SESSION_CHARS, '[\\w+=,.@-]*'),
      range(durationText, durationSeconds, 'durationSeconds', 900, 43200),
      length(externalId, 'externalId', 2, 1224),
      pattern(externalId, 'externalId', EXTERNAL_ID_CHARS, '[\\w+=,.@:\\/-]*'),
      length(requestedSourceIdentity, 'sourceIdentity', 2, 64),
      pattern(requestedSourceIdentity, 'sourceIdentity', SESSION_CHARS, '[\\w+=,.@-]*'),
    ]);
    if (!ANY_ROLE_ARN.test(roleArn ?? ''))
      throw new StsError(400, 'ValidationError', 'Request ARN is invalid');
    const arn = roleArn ?? '';
    const session = sessionName ?? '';
    // A source identity, once set, stays with every session of the chain.
    const sourceIdentity = requestedSourceIdentity ?? caller.sourceIdentity;
    const record: AssumeRoleRecord = {
      caller: caller.arn,
      callerAccount: caller.account,
      roleArn: arn,
      roleSessionName: session,
      durationSeconds,
      outcome: 'granted',
      at: this.now(),
    };
    if (sourceIdentity !== undefined) record.sourceIdentity = sourceIdentity;
    if (externalId !== undefined) record.externalId = externalId;
    this.assumeRoles.push(record);
    try {
      return this.grant(caller, record, requestedSourceIdentity);
    } catch (error) {
      if (error instanceof StsError) record.outcome = error.code;
      throw error;
    }
  }

  /** Decides on a validated request (its record, completed here) and issues the credentials. */
  private grant(caller: AwsIdentity, request: AssumeRoleRecord, requested: string | undefined): string {
    const { roleArn, roleSessionName: session, externalId, sourceIdentity, durationSeconds } = request;
    const denied = (action: string) =>
      new StsError(
        403,
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${roleArn}`,
      );
    const role = this.roles.get(roleArn);
    // AWS does not tell an unknown role from one that does not trust the caller.
    if (role === undefined || !isAllowed(caller, 'sts:AssumeRole') || !trusts(role, caller)) {
      throw denied('sts:AssumeRole');
    }
    if (role.externalId !== undefined && externalId !== role.externalId) throw denied('sts:AssumeRole');
    if (sourceIdentity !== undefined) {
      const changed =
        caller.sourceIdentity !== undefined && requested !== undefined && requested !== caller.sourceIdentity;
      if (changed || !role.allowSetSourceIdentity || !isAllowed(caller, 'sts:SetSourceIdentity')) {
        throw denied('sts:SetSourceIdentity');
      }
    }
    const chained = caller.sessionToken !== undefined;
    if (chained && durationSeconds > CHAINED_SESSION_LIMIT) {
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (durationSeconds > (role.maxSessionDuration ?? 3600)) {
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const match = ROLE_ARN.exec(roleArn);
    const account = match?.[1] ?? '';
    const roleName = match?.[2] ?? '';
    const now = this.now();
    // AWS's Expiration has whole seconds.
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + durationSeconds * 1000);
    const identity: AwsIdentity = {
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(192).toString('base64')}`,
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
      roleArn,
      expiresAt,
    };
    if (sourceIdentity !== undefined) identity.sourceIdentity = sourceIdentity;
    if (role.allowedActions !== undefined) identity.allowedActions = [...role.allowedActions];
    this.identities.set(identity.accessKeyId, identity);
    request.accessKeyId = identity.accessKeyId;
    return responseXml(
      'AssumeRole',
      [
        sourceIdentity === undefined ? '' : element('SourceIdentity', sourceIdentity),
        nested(
          'AssumedRoleUser',
          element('AssumedRoleId', `${role.roleId}:${session}`) + element('Arn', identity.arn),
        ),
        nested(
          'Credentials',
          element('AccessKeyId', identity.accessKeyId) +
            element('SecretAccessKey', identity.secretAccessKey) +
            element('SessionToken', identity.sessionToken ?? '') +
            element('Expiration', expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')),
        ),
      ].join(''),
    );
  }

  private roleIdOf(identity: AwsIdentity): string | undefined {
    return identity.roleArn === undefined ? undefined : this.roles.get(identity.roleArn)?.roleId;
  }
}

function operationOf(form: URLSearchParams): StsOperation {
  const action = form.get('Action');
  if (action === null) {
    throw new StsError(400, 'MissingAction', 'Missing Action');
  }
  if (form.get('Version') !== API_VERSION || !(STS_OPERATIONS as readonly string[]).includes(action)) {
    throw new StsError(
      400,
      'InvalidAction',
      `Could not find operation ${action} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
    );
  }
  return action as StsOperation;
}

function trusts(role: StsRole, caller: AwsIdentity): boolean {
  return role.trustedPrincipals.some(
    (principal) =>
      principal === caller.account ||
      principal === `arn:aws:iam::${caller.account}:root` ||
      principal === caller.arn ||
      (caller.roleArn !== undefined && principal === caller.roleArn),
  );
}

function callerIdentityXml(caller: AwsIdentity, roleId: string | undefined): string {
  const session = caller.arn.split('/').at(-1) ?? '';
  const userId =
    caller.sessionToken !== undefined && roleId !== undefined
      ? `${roleId}:${session}`
      : `AIDA${Buffer.from(caller.accessKeyId).toString('hex').slice(0, 17).toUpperCase()}`;
  return responseXml(
    'GetCallerIdentity',
    element('Arn', caller.arn) + element('UserId', userId) + element('Account', caller.account),
  );
}

type Violation = string | undefined;

function validate(violations: Violation[]): void {
  const found = violations.filter((v): v is string => v !== undefined);
  if (found.length === 0) return;
  const count = found.length === 1 ? '1 validation error' : `${found.length} validation errors`;
  throw new StsError(400, 'ValidationError', `${count} detected: ${found.join('; ')}`);
}

function required(value: string | null, member: string): Violation {
  return value === null
    ? `Value null at '${member}' failed to satisfy constraint: Member must not be null`
    : undefined;
}

function length(value: string | null | undefined, member: string, min: number, max: number): Violation {
  if (value === null || value === undefined) return undefined;
  if (value.length < min) {
    return `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
  }
  if (value.length > max) {
    return `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  }
  return undefined;
}

function pattern(value: string | null | undefined, member: string, regex: RegExp, source: string): Violation {
  if (value === null || value === undefined || regex.test(value)) return undefined;
  return `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${source}`;
}

function range(text: string | null, value: number, member: string, min: number, max: number): Violation {
  if (text === null) return undefined;
  if (!Number.isInteger(value)) {
    return `Value '${text}' at '${member}' failed to satisfy constraint: Member must be an integer`;
  }
  if (value < min) {
    return `Value '${text}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`;
  }
  if (value > max) {
    return `Value '${text}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`;
  }
  return undefined;
}

function responseXml(operation: StsOperation, result: string): string {
  return (
    `<${operation}Response xmlns="${NAMESPACE}">` +
    `<${operation}Result>${result}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`
  );
}

function errorXml(error: StsError): string {
  return (
    `<ErrorResponse xmlns="${NAMESPACE}"><Error>` +
    element('Type', error.status >= 500 ? 'Receiver' : 'Sender') +
    element('Code', error.code) +
    element('Message', error.message) +
    `</Error>${element('RequestId', randomUUID())}</ErrorResponse>`
  );
}

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function nested(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}
