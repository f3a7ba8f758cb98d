// Credentials of the roles the bot assumes in other AWS accounts (DESIGN.md sections 5 and 6):
// STS AssumeRole with the account's external id and SourceIdentity = the Slack user whose action
// it is, so that the target account's CloudTrail names the person. Cached per role and person
// until five minutes before they expire: one AssumeRole per person and role per hour at most.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ChatopsError } from '../domain/errors';
import type { Clock } from '../ports';
import { systemClock } from '../ports';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface RoleToAssume {
  roleArn: string;
  externalId?: string;
  /** The configuration path that names the role, for errors people can act on. */
  configPath: string;
}

/** Renewed this long before they expire (DESIGN.md section 6). */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** STS: RoleSessionName is 2–64 characters of [\w+=,.@-]; SourceIdentity the same. */
const SESSION_UNSAFE = /[^\w+=,.@-]/g;

export class AssumedRoles {
  private readonly cache = new Map<string, Promise<TemporaryCredentials>>();

  constructor(
    private readonly client: STSClient = new STSClient({}),
    private readonly clock: Clock = systemClock,
  ) {}

  /** Credentials of `role` for `user`, doing `purpose` (a request id or a command). */
  async credentials(role: RoleToAssume, user: string, purpose: string): Promise<TemporaryCredentials> {
    const key = `${role.roleArn}\n${role.externalId ?? ''}\n${user}`;
    const cached = this.cache.get(key);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && credentials.expiration.getTime() - RENEW_BEFORE_MS > this.clock.now().getTime()) {
        return credentials;
      }
    }
    const fresh = this.assume(role, user, purpose);
    this.cache.set(key, fresh);
    fresh.catch(() => {
      if (this.cache.get(key) === fresh) this.cache.delete(key);
    });
    return fresh;
  }

  private async assume(role: RoleToAssume, user: string, purpose: string): Promise<TemporaryCredentials> {
    const sourceIdentity = user.replace(SESSION_UNSAFE, '').slice(0, 64);
    try {
      const result = await this.client.send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: `lambda-chatops-${purpose}`.replace(SESSION_UNSAFE, '-').slice(0, 64),
          ...(sourceIdentity.length >= 2 ? { SourceIdentity: sourceIdentity } : {}),
          ...(role.externalId ? { ExternalId: role.externalId } : {}),
        }),
      );
      const issued = result.Credentials;
      if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken || !issued.Expiration) {
        throw new ChatopsError(
          'UPSTREAM_FAILURE',
          `STS answered AssumeRole of ${role.roleArn} without credentials.`,
        );
      }
      return {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
        expiration: issued.Expiration,
      };
    } catch (error) {
      if (error instanceof ChatopsError) throw error;
      throw assumeRoleError(error, role);
    }
  }
}

function assumeRoleError(error: unknown, role: RoleToAssume): ChatopsError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const why = /SetSourceIdentity/.test(message)
      ? "its trust policy does not allow sts:SetSourceIdentity (the bot names the person in the account's CloudTrail)"
      : role.externalId
        ? "its trust policy must trust this bot's role and require exactly the configured externalId"
        : "its trust policy must trust this bot's role (and, if it requires an external id, set `externalId`)";
    return new ChatopsError(
      'UPSTREAM_FAILURE',
      `The bot cannot assume ${role.roleArn} (${role.configPath}): ${why}.`,
      { cause: error },
    );
  }
  const throttled = /Throttl/.test(name);
  return new ChatopsError(
    throttled ? 'THROTTLED' : 'UPSTREAM_FAILURE',
    throttled
      ? 'AWS STS is throttling requests right now.'
      : `AWS STS could not assume ${role.roleArn} (${role.configPath}): ${name}.`,
    { cause: error },
  );
}
