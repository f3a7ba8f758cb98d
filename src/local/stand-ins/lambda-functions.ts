// The state behind the Lambda API stand-in: functions, their immutable published versions and their
// aliases, with AWS's rules and AWS's error names and messages. The HTTP layer (lambda-api.ts) only
// translates requests; every refusal a client can meet is decided here.
import { createHash, createHmac, randomUUID } from 'node:crypto';

export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    override readonly name: string,
    message: string,
    /** Members AWS sends besides Type and message (e.g. TooManyRequestsException's Reason). */
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface VersionSpec {
  description?: string;
  codeSha256?: string;
  runtime?: string;
  memorySize?: number;
  timeout?: number;
  architectures?: string[];
  environment?: Record<string, string>;
  /** ISO-8601 or AWS's `2024-01-02T03:04:05.000+0000`; now by default. */
  lastModified?: string | Date;
}

export type AliasSpec = string | { version: string; weights?: Record<string, number> };

export interface FunctionSpec extends VersionSpec {
  role?: string;
  handler?: string;
  /** Published as versions 1..n, in order, each inheriting what it leaves out from the previous. */
  versions?: VersionSpec[];
  aliases?: Record<string, AliasSpec>;
}

export interface AliasState {
  version: string;
  weights: Record<string, number>;
  revisionId: string;
  description: string;
}

interface CodeConfig {
  description: string;
  codeSha256: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  architectures: string[];
  environment: Record<string, string>;
  lastModified: string;
}

interface VersionRecord extends CodeConfig {
  version: string;
  revisionId: string;
}

interface FunctionRecord {
  name: string;
  role: string;
  handler: string;
  latest: VersionRecord;
  /** False once $LATEST has been published as it is: AWS then publishes nothing new. */
  latestUnpublished: boolean;
  versions: VersionRecord[];
  /** Published versions since deleted: their numbers are never reused. */
  deleted: Set<string>;
  aliases: Map<string, AliasState>;
}

/** What a function name or ARN in a request, plus an optional Qualifier, designate. */
export interface FunctionTarget {
  functionName: string;
  qualifier: string | undefined;
}

export interface ResolvedQualifier {
  /** The published version or $LATEST that answers. */
  record: VersionRecord;
  /** The ARN as AWS returns it for this qualifier. */
  arn: string;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const ALIAS_NAME = /^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/;
const VERSION_NUMBER = /^\d+$/;
const LATEST = '$LATEST';
const MARKER_KEY = 'lambda-api-stand-in-marker';

export const DEFAULT_VERSION_CONFIG: Omit<CodeConfig, 'codeSha256' | 'lastModified'> = {
  description: '',
  runtime: 'nodejs22.x',
  memorySize: 128,
  timeout: 3,
  architectures: ['x86_64'],
  environment: {},
};

export class LambdaFunctions {
  private readonly functions = new Map<string, FunctionRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  functionArn(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
    return qualifier === undefined ? base : `${base}:${qualifier}`;
  }

  create(name: string, spec: FunctionSpec = {}): void {
    if (!NAME.test(name)) throw validation(name, 'functionName', NAME.source);
    if (this.functions.has(name)) {
      throw new LambdaApiError(409, 'ResourceConflictException', `Function already exist: ${name}`);
    }
    const { versions = [], aliases = {}, role, handler, ...latestSpec } = spec;
    const latest = applySpec(undefined, latestSpec, name);
    this.functions.set(name, {
      name,
      role: role ?? `arn:aws:iam::${this.accountId}:role/${name}-role`,
      handler: handler ?? 'index.handler',
      latest: { ...latest, version: LATEST, revisionId: randomUUID() },
      latestUnpublished: true,
      versions: [],
      deleted: new Set(),
      aliases: new Map(),
    });
    for (const version of versions) this.publish(name, version);
    for (const [alias, target] of Object.entries(aliases)) {
      const { version, weights = {} } = typeof target === 'string' ? { version: target } : target;
      this.setAlias(name, alias, version, weights);
    }
  }

  /** Changes $LATEST as a deployment would (UpdateFunctionCode / UpdateFunctionConfiguration). */
  updateLatest(name: string, spec: VersionSpec): void {
    const fn = this.get(name);
    fn.latest = { ...applySpec(fn.latest, spec, name), version: LATEST, revisionId: randomUUID() };
    fn.latestUnpublished = true;
  }

  /** Applies spec to $LATEST and publishes it, always as a new version. */
  publish(name: string, spec: VersionSpec = {}): string {
    this.updateLatest(name, spec);
    return this.publishLatest(name, {}).version;
  }

  /** PublishVersion as AWS does it: nothing new when $LATEST has not changed since the last one. */
  publishLatest(
    name: string,
    request: { codeSha256?: string; description?: string; revisionId?: string },
  ): VersionRecord {
    const fn = this.get(name);
    if (request.revisionId !== undefined && request.revisionId !== fn.latest.revisionId) {
      throw preconditionFailed();
    }
    if (request.codeSha256 !== undefined && request.codeSha256 !== fn.latest.codeSha256) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        `CodeSHA256 (${request.codeSha256}) is different from current CodeSHA256 in $LATEST (${fn.latest.codeSha256}). Please try again`,
      );
    }
    const newest = fn.versions.at(-1);
    if (!fn.latestUnpublished && newest !== undefined) return newest;
    const record: VersionRecord = {
      ...fn.latest,
      environment: { ...fn.latest.environment },
      architectures: [...fn.latest.architectures],
      description: request.description ?? fn.latest.description,
      version: String(fn.versions.length + 1),
      revisionId: randomUUID(),
    };
    fn.versions.push(record);
    fn.latestUnpublished = false;
    return record;
  }

  /** DeleteFunction of one version, as AWS refuses it: not while an alias routes traffic to it. */
  deleteVersion(name: string, version: string): void {
    const fn = this.get(name);
    const record = VERSION_NUMBER.test(version) ? fn.versions[Number(version) - 1] : undefined;
    if (record === undefined || fn.deleted.has(version))
      throw functionNotFound(this.functionArn(name, version));
    for (const [alias, state] of fn.aliases) {
      if (state.version === version || version in state.weights) {
        throw new LambdaApiError(
          409,
          'ResourceConflictException',
          `Unable to delete version because the following aliases reference it: [${alias}]`,
        );
      }
    }
    fn.deleted.add(version);
  }

  setAlias(name: string, alias: string, version: string, weights: Record<string, number> = {}): AliasState {
    const fn = this.get(name);
    if (!ALIAS_NAME.test(alias)) throw validation(alias, 'name', ALIAS_NAME.source);
    const current = fn.aliases.get(alias);
    return this.writeAlias(fn, alias, {
      version,
      weights,
      description: current?.description ?? '',
    });
  }

  /** DeleteAlias out of band (a teammate in the console): GetAlias then answers 404. */
  deleteAlias(name: string, alias: string): void {
    this.getAlias(name, alias);
    this.get(name).aliases.delete(alias);
  }

  getAlias(name: string, alias: string): AliasState {
    const fn = this.get(name);
    const found = fn.aliases.get(alias);
    if (found === undefined) {
      throw new LambdaApiError(
        404,
        'ResourceNotFoundException',
        `Alias not found: ${this.functionArn(name, alias)}`,
      );
    }
    return found;
  }

  /** UpdateAlias: omitted members keep their value (AWS keeps the weights when RoutingConfig is absent). */
  updateAlias(
    name: string,
    alias: string,
    request: {
      version?: string;
      description?: string;
      weights?: Record<string, number>;
      revisionId?: string;
    },
  ): AliasState {
    const fn = this.get(name);
    const current = this.getAlias(name, alias);
    if (request.revisionId !== undefined && request.revisionId !== current.revisionId) {
      throw preconditionFailed();
    }
    return this.writeAlias(fn, alias, {
      version: request.version ?? current.version,
      weights: request.weights ?? current.weights,
      description: request.description ?? current.description,
    });
  }

  aliases(name: string): Array<[string, AliasState]> {
    return [...this.get(name).aliases.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** $LATEST first, then published versions oldest first. */
  versionsAfter(name: string, position: number): VersionRecord[] {
    const fn = this.get(name);
    const published = fn.versions.slice(Math.max(position, 0)).filter((v) => !fn.deleted.has(v.version));
    return position < 0 ? [fn.latest, ...published] : published;
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  config(name: string): { role: string; handler: string } {
    const { role, handler } = this.get(name);
    return { role, handler };
  }

  /** A function name, partial ARN or ARN (optionally `:qualifier`), plus an optional Qualifier. */
  resolveTarget(reference: string, qualifier: string | undefined): FunctionTarget {
    const parsed = this.parseReference(reference);
    if (qualifier !== undefined && !QUALIFIER.test(qualifier)) {
      throw validation(qualifier, 'qualifier', QUALIFIER.source);
    }
    if (parsed.qualifier !== undefined && qualifier !== undefined && parsed.qualifier !== qualifier) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    return { functionName: parsed.functionName, qualifier: parsed.qualifier ?? qualifier };
  }

  /** The function name a reference designates, without requiring it to exist (for recording calls). */
  nameOf(reference: string): string {
    try {
      return this.parseReference(reference).functionName;
    } catch {
      return reference;
    }
  }

  resolveQualifier(target: FunctionTarget): ResolvedQualifier {
    const fn = this.get(target.functionName);
    const { qualifier } = target;
    if (qualifier === undefined) return { record: fn.latest, arn: this.functionArn(fn.name) };
    if (qualifier === LATEST) return { record: fn.latest, arn: this.functionArn(fn.name, LATEST) };
    const versionName = VERSION_NUMBER.test(qualifier) ? qualifier : fn.aliases.get(qualifier)?.version;
    const record = versionName === undefined ? undefined : this.findVersion(fn, versionName);
    if (record === undefined) throw functionNotFound(this.functionArn(fn.name, qualifier));
    return { record, arn: this.functionArn(fn.name, qualifier) };
  }

  /** The version an invocation of this qualifier runs: an alias with weights picks one at random. */
  executedVersion(target: FunctionTarget, random: () => number = Math.random): string {
    const { record } = this.resolveQualifier(target);
    const alias =
      target.qualifier === undefined
        ? undefined
        : this.get(target.functionName).aliases.get(target.qualifier);
    if (alias === undefined) return record.version;
    let draw = random();
    for (const [version, weight] of Object.entries(alias.weights)) {
      if (draw < weight) return version;
      draw -= weight;
    }
    return alias.version;
  }

  /** An opaque marker that resumes after `position`, valid for this function only. */
  marker(name: string, position: string): string {
    const payload = `${name}\n${position}`;
    const tag = createHmac('sha256', MARKER_KEY).update(payload).digest('base64url').slice(0, 16);
    return Buffer.from(`${payload}\n${tag}`).toString('base64url');
  }

  readMarker(name: string, marker: string): string {
    const [markerName, position, tag] = Buffer.from(marker, 'base64url').toString('utf8').split('\n');
    if (markerName === name && position !== undefined && tag !== undefined) {
      if (this.marker(name, position) === marker) return position;
    }
    throw new LambdaApiError(400, 'InvalidParameterValueException', `Invalid marker: ${marker}`);
  }

  private writeAlias(
    fn: FunctionRecord,
    alias: string,
    next: { version: string; weights: Record<string, number>; description: string },
  ): AliasState {
    if (next.version !== LATEST && !VERSION_NUMBER.test(next.version)) {
      throw validation(next.version, 'functionVersion', '(\\$LATEST|[0-9]+)');
    }
    if (next.version !== LATEST && this.findVersion(fn, next.version) === undefined) {
      throw functionNotFound(this.functionArn(fn.name, next.version));
    }
    if (next.description.length > 256) {
      throw validation(
        next.description,
        'description',
        'length less than or equal to 256',
        'Member must have',
      );
    }
    this.checkWeights(fn, next.version, next.weights);
    const state: AliasState = {
      version: next.version,
      weights: { ...next.weights },
      description: next.description,
      revisionId: randomUUID(),
    };
    fn.aliases.set(alias, state);
    return state;
  }

  private checkWeights(fn: FunctionRecord, primary: string, weights: Record<string, number>): void {
    const entries = Object.entries(weights);
    for (const [version, weight] of entries) {
      if (!VERSION_NUMBER.test(version)) {
        throw validation(
          JSON.stringify(weights),
          'routingConfig.additionalVersionWeights',
          '[Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]',
          'Map keys must satisfy constraint:',
        );
      }
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
        throw validation(
          JSON.stringify(weights),
          'routingConfig.additionalVersionWeights',
          '[Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
          'Map value must satisfy constraint:',
        );
      }
    }
    if (entries.length > 1) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        'Number of items in AdditionalVersionWeights cannot be greater than 1',
      );
    }
    const [extra] = entries;
    if (extra === undefined) return;
    if (primary === LATEST) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        '$LATEST is not supported for an alias pointing to more than 1 version',
      );
    }
    if (extra[0] === primary) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        `Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`,
      );
    }
    if (this.findVersion(fn, extra[0]) === undefined) {
      throw functionNotFound(this.functionArn(fn.name, extra[0]));
    }
  }

  private findVersion(fn: FunctionRecord, version: string): VersionRecord | undefined {
    if (version === LATEST) return fn.latest;
    if (fn.deleted.has(version)) return undefined;
    return VERSION_NUMBER.test(version) ? fn.versions[Number(version) - 1] : undefined;
  }

  private get(reference: string): FunctionRecord {
    const name = this.parseReference(reference).functionName;
    const fn = this.functions.get(name);
    if (fn === undefined) throw functionNotFound(this.functionArn(name));
    return fn;
  }

  private parseReference(reference: string): { functionName: string; qualifier: string | undefined } {
    const pattern =
      /^(?:arn:(?<partition>aws[a-zA-Z-]*)?:lambda:(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9_-]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$/;
    const match = pattern.exec(reference);
    const groups = match?.groups;
    if (groups?.name === undefined || reference.length > 170 || groups.name.length > 64) {
      throw validation(reference, 'functionName', pattern.source.slice(1, -1));
    }
    if (groups.region !== undefined && groups.region !== this.region) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        `Functions from '${groups.region}' are not reachable in this region ('${this.region}')`,
      );
    }
    if (groups.account !== undefined && groups.account !== this.accountId) {
      throw functionNotFound(`arn:aws:lambda:${this.region}:${groups.account}:function:${groups.name}`);
    }
    return { functionName: groups.name, qualifier: groups.qualifier };
  }
}

function applySpec(previous: CodeConfig | undefined, spec: VersionSpec, name: string): CodeConfig {
  const base = previous ?? {
    ...DEFAULT_VERSION_CONFIG,
    codeSha256: createHash('sha256').update(name).digest('base64'),
    lastModified: awsTimestamp(new Date()),
  };
  return {
    description: spec.description ?? base.description,
    codeSha256: spec.codeSha256 ?? base.codeSha256,
    runtime: spec.runtime ?? base.runtime,
    memorySize: spec.memorySize ?? base.memorySize,
    timeout: spec.timeout ?? base.timeout,
    architectures: [...(spec.architectures ?? base.architectures)],
    environment: { ...(spec.environment ?? base.environment) },
    lastModified: awsTimestamp(spec.lastModified === undefined ? new Date() : new Date(spec.lastModified)),
  };
}

/** AWS's LastModified format: `2024-01-02T03:04:05.000+0000`. */
export function awsTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('lastModified is not a date');
  return date.toISOString().replace('Z', '+0000');
}

export function functionNotFound(arn: string): LambdaApiError {
  return new LambdaApiError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
}

function preconditionFailed(): LambdaApiError {
  return new LambdaApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );
}

export function validation(
  value: string,
  member: string,
  constraint: string,
  prefix = 'Member must satisfy regular expression pattern:',
): LambdaApiError {
  return new LambdaApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${prefix} ${constraint}`,
  );
}
