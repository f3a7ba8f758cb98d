// LambdaRegistry over the AWS SDK's Lambda client. Translates AWS's shapes and errors into the
// domain's, pages through every listing, and remembers published versions: they are immutable,
// so once seen they need not be fetched again (a warm `versions` costs one or two calls, a warm
// `status` one: ListAliases).
import { createHmac, randomBytes } from 'node:crypto';
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { ChatopsError } from '../domain/errors';
import type { AliasInfo, VersionInfo } from '../domain/model';
import type { Clock, LambdaRegistry } from '../ports';
import { systemClock } from '../ports';
import { type LambdaClientSource, singleClient } from './lambda-clients';
import { type LambdaTarget, lambdaCall, toAlias } from './lambda-errors';

/**
 * Environment values are digested with a key that lives only in this process: enough to tell
 * which keys changed, useless to anyone who would try to guess a secret from a digest.
 */
const DIGEST_KEY = randomBytes(32);

/** How long a cached version list is trusted before it is read again from the start. */
const FULL_REFRESH_MS = 15 * 60 * 1000;

interface VersionCache {
  versions: VersionInfo[];
  known: Set<string>;
  /** The marker that fetched the last page seen: listing again from it finds newer versions. */
  lastPageMarker: string | undefined;
  fetchedAt: number;
}

/** A published version's number: `$LATEST` changes with every deployment, numbers never do. */
const PUBLISHED_VERSION = /^\d+$/;

export class AwsLambdaRegistry implements LambdaRegistry {
  private readonly versionCache = new Map<string, VersionCache>();
  /** Versions read one at a time (the ones aliases point at), by function then number. */
  private readonly readVersions = new Map<string, Map<string, { version: VersionInfo; fetchedAt: number }>>();

  private readonly clientFor: LambdaClientSource;

  constructor(
    clients: LambdaClientSource | LambdaClient = new LambdaClient({}),
    private readonly clock: Clock = systemClock,
  ) {
    this.clientFor = typeof clients === 'function' ? clients : singleClient(clients);
  }

  async listAliases(functionName: string): Promise<AliasInfo[]> {
    const aliases: AliasInfo[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(
        (await this.clientFor(functionName)).send(
          new ListAliasesCommand({ FunctionName: functionName, Marker: marker }),
        ),
        functionName,
        'function',
      );
      aliases.push(...(page.Aliases ?? []).map(toAlias));
      marker = page.NextMarker;
    } while (marker);
    return aliases;
  }

  async getAlias(functionName: string, alias: string): Promise<AliasInfo> {
    const result = await this.call(
      (await this.clientFor(functionName)).send(
        new GetAliasCommand({ FunctionName: functionName, Name: alias }),
      ),
      functionName,
      'alias',
      alias,
    );
    return toAlias(result);
  }

  async getVersion(
    functionName: string,
    version: string,
    options: { fresh?: boolean } = {},
  ): Promise<VersionInfo> {
    const now = this.clock.now().getTime();
    if (!options.fresh) {
      const known = this.knownVersion(functionName, version);
      if (known) return known;
    }
    const result = await this.call(
      (await this.clientFor(functionName)).send(
        new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version }),
      ),
      functionName,
      'version',
      version,
    );
    const info = toVersion(result);
    if (PUBLISHED_VERSION.test(version)) {
      const byNumber = this.readVersions.get(functionName) ?? new Map();
      byNumber.set(version, { version: info, fetchedAt: now });
      this.readVersions.set(functionName, byNumber);
    }
    return info;
  }

  knownVersion(functionName: string, version: string): VersionInfo | undefined {
    const listed = this.versionCache.get(functionName)?.versions.find((v) => v.version === version);
    if (listed) return listed;
    const read = this.readVersions.get(functionName)?.get(version);
    if (read && this.clock.now().getTime() - read.fetchedAt <= FULL_REFRESH_MS) return read.version;
    return undefined;
  }

  async listVersions(functionName: string): Promise<VersionInfo[]> {
    const now = this.clock.now().getTime();
    let cache = this.versionCache.get(functionName);
    if (cache && now - cache.fetchedAt > FULL_REFRESH_MS) cache = undefined;
    const fresh: VersionCache = cache ?? {
      versions: [],
      known: new Set(),
      lastPageMarker: undefined,
      fetchedAt: now,
    };
    try {
      await this.readVersionPages(functionName, fresh, fresh.lastPageMarker);
    } catch (error) {
      // AWS's markers are opaque: if a remembered one is refused, read everything again.
      if (!cache || !isAwsError(error, 'InvalidParameterValueException')) throw error;
      const restart: VersionCache = {
        versions: [],
        known: new Set(),
        lastPageMarker: undefined,
        fetchedAt: now,
      };
      await this.readVersionPages(functionName, restart, undefined);
      this.versionCache.set(functionName, restart);
      return [...restart.versions];
    }
    this.versionCache.set(functionName, fresh);
    return [...fresh.versions];
  }

  private async readVersionPages(functionName: string, cache: VersionCache, startMarker: string | undefined) {
    let marker = startMarker;
    for (;;) {
      const page = await this.call(
        (await this.clientFor(functionName)).send(
          new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }),
        ),
        functionName,
        'function',
      );
      for (const configuration of page.Versions ?? []) {
        const version = configuration.Version;
        if (!version || version === '$LATEST' || cache.known.has(version)) continue;
        cache.known.add(version);
        cache.versions.push(toVersion(configuration));
      }
      if (!page.NextMarker) {
        cache.lastPageMarker = marker;
        return;
      }
      marker = page.NextMarker;
    }
  }

  /** A Lambda call with AWS's errors in the domain's terms, naming where a missing function was looked for. */
  private call<Output>(
    pending: Promise<Output>,
    functionName: string,
    target: LambdaTarget,
    qualifier?: string,
  ): Promise<Output> {
    return lambdaCall(pending, functionName, target, qualifier, this.clientFor.whereIs);
  }
}

function isAwsError(error: unknown, name: string): boolean {
  const cause = error instanceof ChatopsError ? error.cause : error;
  return cause instanceof Error && cause.name === name;
}

function toVersion(configuration: FunctionConfiguration): VersionInfo {
  const variables = configuration.Environment?.Variables ?? {};
  return {
    version: configuration.Version ?? '',
    description: configuration.Description ?? '',
    lastModified: toIso(configuration.LastModified),
    codeSha256: configuration.CodeSha256 ?? '',
    runtime: configuration.Runtime,
    memorySize: configuration.MemorySize,
    timeout: configuration.Timeout,
    architectures: configuration.Architectures ?? ['x86_64'],
    environmentDigests: Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        createHmac('sha256', DIGEST_KEY).update(value).digest('hex'),
      ]),
    ),
  };
}

/** Lambda's `2024-01-02T03:04:05.000+0000` to ISO-8601 UTC. */
function toIso(lastModified: string | undefined): string {
  if (!lastModified) return '';
  const date = new Date(lastModified.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? lastModified : date.toISOString();
}
