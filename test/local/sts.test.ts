import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { StsStandIn } from '../../src/local/stand-ins/sts';

const BOT = {
  accessKeyId: 'AKIABOTHANDLER000001',
  secretAccessKey: 'bot-handler-secret',
  arn: 'arn:aws:iam::123456789012:role/lambda-chatops-handler',
};
const OUTSIDER = {
  accessKeyId: 'AKIAOUTSIDER00000001',
  secretAccessKey: 'outsider-secret',
  arn: 'arn:aws:iam::999999999999:user/mallory',
};
const READER = 'arn:aws:iam::222222222222:role/lambda-chatops-reader';
const PROMOTER = 'arn:aws:iam::222222222222:role/lambda-chatops-promoter';
const NO_SOURCE_IDENTITY = 'arn:aws:iam::222222222222:role/legacy-reader';
const CHAINED = 'arn:aws:iam::333333333333:role/audit';

let sts: StsStandIn;
let now: Date;
const clients: STSClient[] = [];

function client(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}): STSClient {
  const made = new STSClient({ endpoint: sts.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(made);
  return made;
}

function assume(input: Partial<AssumeRoleCommandInput>, as = BOT) {
  return client(as).send(
    new AssumeRoleCommand({ RoleArn: READER, RoleSessionName: 'lambda-chatops-req-1', ...input }),
  );
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sts = await StsStandIn.start({ clock: () => now });
  sts.addPrincipal(BOT);
  sts.addPrincipal(OUTSIDER);
  sts.addRole({
    arn: READER,
    trustedPrincipals: [BOT.arn],
    externalId: 'org-7f3a',
    allowSetSourceIdentity: true,
  });
  sts.addRole({
    arn: PROMOTER,
    trustedPrincipals: ['123456789012'],
    allowSetSourceIdentity: true,
    maxSessionDuration: 7200,
  });
  sts.addRole({ arn: NO_SOURCE_IDENTITY, trustedPrincipals: [BOT.arn], allowSetSourceIdentity: false });
  sts.addRole({ arn: CHAINED, trustedPrincipals: [PROMOTER], allowSetSourceIdentity: true });
});

afterAll(async () => {
  for (const made of clients) made.destroy();
  await sts.close();
});

beforeEach(() => {
  now = new Date();
  sts.resetCalls();
});

describe('AssumeRole', () => {
  it('issues credentials bound to the role, its account and the source identity, and records the call', async () => {
    // Act
    const answer = await assume({ ExternalId: 'org-7f3a', SourceIdentity: 'U024BE7LH' });

    // Assess
    const credentials = answer.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials?.SecretAccessKey?.length).toBe(40);
    expect(credentials?.SessionToken).toEqual(expect.any(String));
    expect(credentials?.Expiration?.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000 + 3600_000);
    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::222222222222:assumed-role/lambda-chatops-reader/lambda-chatops-req-1',
    );
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:lambda-chatops-req-1$/);
    expect(answer.SourceIdentity).toBe('U024BE7LH');
    expect(sts.assumeRoles).toEqual([
      {
        caller: BOT.arn,
        callerAccount: '123456789012',
        roleArn: READER,
        roleSessionName: 'lambda-chatops-req-1',
        sourceIdentity: 'U024BE7LH',
        externalId: 'org-7f3a',
        durationSeconds: 3600,
        outcome: 'granted',
        accessKeyId: credentials?.AccessKeyId,
        at: now,
      },
    ]);
    expect(sts.identityOf(credentials?.AccessKeyId ?? '')).toMatchObject({
      account: '222222222222',
      arn: answer.AssumedRoleUser?.Arn,
      roleArn: READER,
      sourceIdentity: 'U024BE7LH',
      sessionToken: credentials?.SessionToken,
      expiresAt: credentials?.Expiration,
    });
  });

  it('trusts every principal of an account the trust policy names by id', async () => {
    const answer = await assume({ RoleArn: PROMOTER });

    expect(answer.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::222222222222:assumed-role/lambda-chatops-promoter/lambda-chatops-req-1',
    );
    expect(answer.SourceIdentity).toBeUndefined();
  });

  it.each([
    ['an untrusted caller', { ExternalId: 'org-7f3a' }, OUTSIDER, READER, 'sts:AssumeRole'],
    ['an unknown role', {}, BOT, 'arn:aws:iam::222222222222:role/nope', 'sts:AssumeRole'],
    ['a missing external id', {}, BOT, READER, 'sts:AssumeRole'],
    ['a wrong external id', { ExternalId: 'org-0000' }, BOT, READER, 'sts:AssumeRole'],
    [
      'a source identity the trust does not allow',
      { SourceIdentity: 'U024BE7LH' },
      BOT,
      NO_SOURCE_IDENTITY,
      'sts:SetSourceIdentity',
    ],
  ])('refuses %s with AccessDenied 403, as AWS words it', async (_case, input, caller, role, action) => {
    // Act
    const error = await failure(assume({ ...input, RoleArn: role }, caller));

    // Assess
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${role}`,
    );
    expect(sts.assumeRoles.map((r) => [r.caller, r.roleArn, r.outcome, r.accessKeyId])).toEqual([
      [caller.arn, role, 'AccessDenied', undefined],
    ]);
  });

  it('assumes a role without SetSourceIdentity when no source identity is asked for', async () => {
    const answer = await assume({ RoleArn: NO_SOURCE_IDENTITY });

    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it.each([
    ['a one-character session name', { RoleSessionName: 'x' }, 'length greater than or equal to 2'],
    ['a 65-character session name', { RoleSessionName: 'x'.repeat(65) }, 'length less than or equal to 64'],
    ['a session name with a space', { RoleSessionName: 'lambda chatops' }, 'pattern: [\\w+=,.@-]*'],
    ['a source identity with a slash', { SourceIdentity: 'U1/U2' }, 'pattern: [\\w+=,.@-]*'],
    ['a one-character source identity', { SourceIdentity: 'U' }, 'length greater than or equal to 2'],
    ['899 seconds', { DurationSeconds: 899 }, 'value greater than or equal to 900'],
    ['43201 seconds', { DurationSeconds: 43201 }, 'value less than or equal to 43200'],
  ])('refuses %s with ValidationError 400 and issues nothing', async (_case, input, constraint) => {
    const error = await failure(assume({ ExternalId: 'org-7f3a', ...input }));

    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(
      /^1 validation error detected: Value '.*' at '\w+' failed to satisfy constraint: /,
    );
    expect(error.message).toContain(constraint);
    expect(sts.assumeRoles).toEqual([]);
  });

  it('refuses a RoleArn that is not a role ARN with ValidationError, and records nothing', async () => {
    const error = await failure(assume({ RoleArn: 'lambda-chatops-reader-role' }));

    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'ValidationError',
      'Request ARN is invalid',
      400,
    ]);
    expect(sts.assumeRoles).toEqual([]);
  });

  it("honours DurationSeconds up to the role's MaxSessionDuration and refuses more", async () => {
    const short = await assume({ ExternalId: 'org-7f3a', DurationSeconds: 900 });
    const long = await assume({ RoleArn: PROMOTER, DurationSeconds: 7200 });
    const tooLong = await failure(assume({ ExternalId: 'org-7f3a', DurationSeconds: 3601 }));

    const base = Math.floor(now.getTime() / 1000) * 1000;
    expect(short.Credentials?.Expiration?.getTime()).toBe(base + 900_000);
    expect(long.Credentials?.Expiration?.getTime()).toBe(base + 7200_000);
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('chains roles: the role ARN is trusted, the source identity sticks, and the session is limited to an hour', async () => {
    // Prepare
    const first = await assume({ RoleArn: PROMOTER, SourceIdentity: 'U024BE7LH' });
    const session = client({
      accessKeyId: first.Credentials?.AccessKeyId ?? '',
      secretAccessKey: first.Credentials?.SecretAccessKey ?? '',
      sessionToken: first.Credentials?.SessionToken ?? '',
    });

    // Act
    const chained = await session.send(new AssumeRoleCommand({ RoleArn: CHAINED, RoleSessionName: 'audit' }));
    const tooLong = await failure(
      session.send(
        new AssumeRoleCommand({ RoleArn: CHAINED, RoleSessionName: 'audit', DurationSeconds: 7200 }),
      ),
    );
    const changed = await failure(
      session.send(
        new AssumeRoleCommand({ RoleArn: CHAINED, RoleSessionName: 'audit', SourceIdentity: 'U999' }),
      ),
    );

    // Assess
    expect(chained.SourceIdentity).toBe('U024BE7LH');
    expect(sts.identityOf(chained.Credentials?.AccessKeyId ?? '')?.account).toBe('333333333333');
    expect(tooLong.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    expect(changed.name).toBe('AccessDenied');
    expect(changed.message).toContain('sts:SetSourceIdentity');
  });
});

describe('authentication', () => {
  it('refuses an unknown access key with InvalidClientTokenId 403', async () => {
    const error = await failure(assume({}, { ...BOT, accessKeyId: 'AKIAUNKNOWN000000000' }));

    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is invalid.');
    expect(sts.assumeRoles).toEqual([]);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch 403', async () => {
    const error = await failure(assume({}, { ...BOT, secretAccessKey: 'not-the-secret' }));

    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('requires the session token of temporary credentials', async () => {
    const issued = await assume({ RoleArn: PROMOTER });

    const error = await failure(
      client({
        accessKeyId: issued.Credentials?.AccessKeyId ?? '',
        secretAccessKey: issued.Credentials?.SecretAccessKey ?? '',
      }).send(new GetCallerIdentityCommand({})),
    );

    expect(error.name).toBe('InvalidClientTokenId');
  });

  it('refuses expired credentials with ExpiredToken 403', async () => {
    // Prepare
    const issued = await assume({ RoleArn: PROMOTER, DurationSeconds: 900 });
    now = new Date(now.getTime() + 901_000);

    // Act
    const error = await failure(
      client({
        accessKeyId: issued.Credentials?.AccessKeyId ?? '',
        secretAccessKey: issued.Credentials?.SecretAccessKey ?? '',
        sessionToken: issued.Credentials?.SessionToken ?? '',
      }).send(new GetCallerIdentityCommand({})),
    );

    // Assess
    expect(error.name).toBe('ExpiredToken');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is expired');
  });
});

describe('GetCallerIdentity', () => {
  it('names the base principal and an assumed session', async () => {
    const issued = await assume({ RoleArn: PROMOTER });

    const base = await client(BOT).send(new GetCallerIdentityCommand({}));
    const assumed = await client({
      accessKeyId: issued.Credentials?.AccessKeyId ?? '',
      secretAccessKey: issued.Credentials?.SecretAccessKey ?? '',
      sessionToken: issued.Credentials?.SessionToken ?? '',
    }).send(new GetCallerIdentityCommand({}));

    expect([base.Account, base.Arn]).toEqual(['123456789012', BOT.arn]);
    expect([assumed.Account, assumed.Arn, assumed.UserId]).toEqual([
      '222222222222',
      issued.AssumedRoleUser?.Arn,
      issued.AssumedRoleUser?.AssumedRoleId,
    ]);
  });
});

describe('fault injection and the SDK environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('answers an injected error once, then serves again', async () => {
    sts.failNext('AssumeRole', { status: 400, code: 'Throttling', message: 'Rate exceeded' });

    const error = await failure(assume({ RoleArn: PROMOTER }));
    const next = await assume({ RoleArn: PROMOTER });

    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'Throttling',
      'Rate exceeded',
      400,
    ]);
    expect(next.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(sts.calls.map((c) => [c.operation, c.status, c.code])).toEqual([
      ['AssumeRole', 400, 'Throttling'],
      ['AssumeRole', 200, undefined],
    ]);
  });

  it('can issue credentials and lose the answer', async () => {
    sts.loseNextAnswer('AssumeRole');

    const error = await failure(assume({ RoleArn: PROMOTER }));

    expect(error).toBeInstanceOf(Error);
    const [record] = sts.assumeRoles;
    expect(record?.outcome).toBe('granted');
    expect(sts.identityOf(record?.accessKeyId ?? '')?.account).toBe('222222222222');
  });

  it('is reached through AWS_ENDPOINT_URL_STS', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
    const fromEnvironment = new STSClient({ region: 'eu-west-1', credentials: BOT, maxAttempts: 1 });
    clients.push(fromEnvironment);

    const answer = await fromEnvironment.send(new GetCallerIdentityCommand({}));

    expect(answer.Arn).toBe(BOT.arn);
    expect(sts.calls.map((c) => [c.operation, c.caller])).toEqual([['GetCallerIdentity', BOT.arn]]);
  });
});
