import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LambdaAccountRegion, LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';
import { StsStandIn } from '../../src/local/stand-ins/sts';

const BOT = {
  accessKeyId: 'AKIABOTWORKER0000001',
  secretAccessKey: 'bot-worker-secret',
  arn: 'arn:aws:iam::123456789012:role/lambda-chatops-worker',
};
const TARGET = '222222222222';
const READER = `arn:aws:iam::${TARGET}:role/lambda-chatops-reader`;
const PROMOTER = `arn:aws:iam::${TARGET}:role/lambda-chatops-promoter`;
/** A role whose policies allow every action. */
const ADMIN = `arn:aws:iam::${TARGET}:role/admin`;
const PAYMENTS_ARN = `arn:aws:lambda:eu-west-1:${TARGET}:function:payments`;

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let sts: StsStandIn;
let lambda: LambdaApiStandIn;
let target: LambdaAccountRegion;
let now: Date;
const clients: Array<{ destroy(): void }> = [];

function lambdaClient(credentials: Credentials, region = 'eu-west-1'): LambdaClient {
  const made = new LambdaClient({ endpoint: lambda.url, region, credentials, maxAttempts: 1 });
  clients.push(made);
  return made;
}

async function assumed(roleArn: string, sourceIdentity?: string): Promise<Credentials> {
  const client = new STSClient({ endpoint: sts.url, region: 'us-east-1', credentials: BOT, maxAttempts: 1 });
  clients.push(client);
  const answer = await client.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: 'lambda-chatops-req-42',
      ExternalId: 'org-7f3a',
      SourceIdentity: sourceIdentity,
      DurationSeconds: 900,
    }),
  );
  return {
    accessKeyId: answer.Credentials?.AccessKeyId ?? '',
    secretAccessKey: answer.Credentials?.SecretAccessKey ?? '',
    sessionToken: answer.Credentials?.SessionToken ?? '',
  };
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
  for (const [arn, allowedActions] of [
    [READER, ['lambda:Get*', 'lambda:List*']],
    [PROMOTER, ['lambda:Get*', 'lambda:List*', 'lambda:UpdateAlias']],
  ] as const) {
    sts.addRole({
      arn,
      trustedPrincipals: [BOT.arn],
      externalId: 'org-7f3a',
      allowSetSourceIdentity: true,
      allowedActions,
    });
  }
  sts.addRole({
    arn: ADMIN,
    trustedPrincipals: [BOT.arn],
    externalId: 'org-7f3a',
    allowSetSourceIdentity: true,
  });
  lambda = await LambdaApiStandIn.start({ identities: sts });
  // The same name in the bot's own account and in the target account: each must see only its own.
  lambda.createFunction('payments', { versions: [{ description: 'home v1' }], aliases: { live: '1' } });
  lambda.createFunction('orders', { versions: [{}], aliases: { live: '1' } });
  target = lambda.inAccount(TARGET, 'eu-west-1');
  target.createFunction('payments', {
    versions: [{ description: 'target v1' }, { description: 'target v2' }],
    aliases: { live: '1', prod: '1' },
  });
});

afterAll(async () => {
  for (const made of clients) made.destroy();
  await lambda.close();
  await sts.close();
});

beforeEach(() => {
  now = new Date();
  lambda.resetCalls();
  sts.resetCalls();
});

describe('a role assumed in another account', () => {
  it("reads that account's function in its region, by name and by ARN, and every call names the session", async () => {
    // Prepare
    const reader = lambdaClient(await assumed(READER, 'U024BE7LH'));

    // Act
    const byName = await reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' }));
    const byArn = await reader.send(
      new GetFunctionConfigurationCommand({ FunctionName: PAYMENTS_ARN, Qualifier: 'live' }),
    );

    // Assess
    expect(byName.AliasArn).toBe(`${PAYMENTS_ARN}:live`);
    expect(byArn.Description).toBe('target v1');
    expect(byArn.FunctionArn).toBe(`${PAYMENTS_ARN}:live`);
    expect(
      lambda.calls.map((c) => [c.operation, c.status, c.account, c.region, c.caller, c.sourceIdentity]),
    ).toEqual([
      [
        'GetAlias',
        200,
        TARGET,
        'eu-west-1',
        `arn:aws:sts::${TARGET}:assumed-role/lambda-chatops-reader/lambda-chatops-req-42`,
        'U024BE7LH',
      ],
      [
        'GetFunctionConfiguration',
        200,
        TARGET,
        'eu-west-1',
        `arn:aws:sts::${TARGET}:assumed-role/lambda-chatops-reader/lambda-chatops-req-42`,
        'U024BE7LH',
      ],
    ]);
    expect(sts.assumeRoles.map((r) => [r.roleArn, r.sourceIdentity, r.externalId])).toEqual([
      [READER, 'U024BE7LH', 'org-7f3a'],
    ]);
  });

  it('moves an alias with the promoter role, and the reader role may not', async () => {
    // Prepare
    const promoter = lambdaClient(await assumed(PROMOTER, 'U0APPROVER'));
    const reader = lambdaClient(await assumed(READER, 'U0APPROVER'));

    // Act
    const refused = await failure(
      reader.send(new UpdateAliasCommand({ FunctionName: 'payments', Name: 'prod', FunctionVersion: '2' })),
    );
    const moved = await promoter.send(
      new UpdateAliasCommand({ FunctionName: 'payments', Name: 'prod', FunctionVersion: '2' }),
    );

    // Assess
    expect(refused.name).toBe('AccessDeniedException');
    expect(refused.$metadata.httpStatusCode).toBe(403);
    expect(refused.message).toBe(
      `User: arn:aws:sts::${TARGET}:assumed-role/lambda-chatops-reader/lambda-chatops-req-42 is not authorized ` +
        `to perform: lambda:UpdateAlias on resource: ${PAYMENTS_ARN}:prod because no identity-based policy allows ` +
        'the lambda:UpdateAlias action',
    );
    expect(moved.FunctionVersion).toBe('2');
    expect(target.alias('payments', 'prod').version).toBe('2');
    expect(lambda.alias('payments', 'live').version).toBe('1');
    expect(lambda.calls.map((c) => [c.operation, c.status, c.sourceIdentity])).toEqual([
      ['UpdateAlias', 403, 'U0APPROVER'],
      ['UpdateAlias', 200, 'U0APPROVER'],
    ]);
    target.setAlias('payments', 'prod', '1');
  });

  it('invokes the handler registered for that account and region, when the role may invoke', async () => {
    // Prepare
    const ran: string[] = [];
    target.onInvoke('payments', async () => {
      ran.push('target');
      return { from: 'target' };
    });
    lambda.onInvoke('payments', async () => {
      ran.push('home');
      return { from: 'home' };
    });
    const promoter = lambdaClient(await assumed(PROMOTER));
    const admin = lambdaClient(await assumed(ADMIN));

    // Act
    const refused = await failure(
      promoter.send(new InvokeCommand({ FunctionName: 'payments', Qualifier: 'live' })),
    );
    const answer = await admin.send(new InvokeCommand({ FunctionName: 'payments', Qualifier: 'live' }));

    // Assess
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
    expect(refused.message).toContain('lambda:InvokeFunction');
    expect(JSON.parse(new TextDecoder().decode(answer.Payload))).toEqual({ from: 'target' });
    expect(ran).toEqual(['target']);
    expect(lambda.invocations.map((i) => [i.functionName, i.account, i.region, i.executedVersion])).toEqual([
      ['payments', TARGET, 'eu-west-1', '1'],
    ]);
  });
});

describe('a resource-based policy', () => {
  it('lets another account call the actions it grants on the function, by ARN, and no others', async () => {
    // Prepare
    target.createFunction('ledger', { versions: [{}, {}], aliases: { live: '1' } });
    target.addPermission('ledger', { principal: BOT.arn, action: 'lambda:GetAlias' });
    target.addPermission('ledger', { principal: '123456789012', action: 'lambda:UpdateAlias' });
    const ledgerArn = `arn:aws:lambda:eu-west-1:${TARGET}:function:ledger`;
    const bot = lambdaClient(BOT);

    // Act
    const read = await bot.send(new GetAliasCommand({ FunctionName: ledgerArn, Name: 'live' }));
    const moved = await bot.send(
      new UpdateAliasCommand({ FunctionName: ledgerArn, Name: 'live', FunctionVersion: '2' }),
    );
    const listed = await failure(bot.send(new ListAliasesCommand({ FunctionName: ledgerArn })));
    const byName = await failure(bot.send(new GetAliasCommand({ FunctionName: 'ledger', Name: 'live' })));

    // Assess
    expect(read.AliasArn).toBe(`${ledgerArn}:live`);
    expect(moved.FunctionVersion).toBe('2');
    expect(target.alias('ledger', 'live').version).toBe('2');
    expect(listed.message).toBe(
      `User: ${BOT.arn} is not authorized to perform: lambda:ListAliases on resource: ${ledgerArn} ` +
        'because no resource-based policy allows the lambda:ListAliases action',
    );
    expect(byName.name).toBe('ResourceNotFoundException');
    expect(lambda.calls.map((c) => [c.operation, c.status, c.account])).toEqual([
      ['GetAlias', 200, TARGET],
      ['UpdateAlias', 200, TARGET],
      ['ListAliases', 403, '123456789012'],
      ['GetAlias', 404, '123456789012'],
    ]);
  });
});

describe('refusals', () => {
  it("keeps the bot's own credentials out of another account's functions", async () => {
    // Prepare
    const bot = lambdaClient(BOT);

    // Act
    const byArn = await failure(bot.send(new GetAliasCommand({ FunctionName: PAYMENTS_ARN, Name: 'live' })));
    const byName = await failure(bot.send(new ListAliasesCommand({ FunctionName: 'payments' })));

    // Assess
    expect(byArn.name).toBe('AccessDeniedException');
    expect(byArn.$metadata.httpStatusCode).toBe(403);
    expect(byArn.message).toBe(
      `User: ${BOT.arn} is not authorized to perform: lambda:GetAlias on resource: ${PAYMENTS_ARN} ` +
        'because no resource-based policy allows the lambda:GetAlias action',
    );
    // In eu-west-1 the bot's own account has no `payments`: the name designates its own function.
    expect(byName.name).toBe('ResourceNotFoundException');
    expect(byName.message).toBe(
      'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:payments',
    );
  });

  it("serves the bot's own account in its own region as before", async () => {
    const bot = lambdaClient(BOT, 'us-east-1');

    const alias = await bot.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' }));
    const config = await bot.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'payments', Qualifier: 'live' }),
    );

    expect(alias.AliasArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:payments:live');
    expect(config.Description).toBe('home v1');
    expect(lambda.calls.map((c) => [c.account, c.region, c.caller])).toEqual([
      ['123456789012', 'us-east-1', BOT.arn],
      ['123456789012', 'us-east-1', BOT.arn],
    ]);
  });

  it('does not find a function in a region where it does not exist', async () => {
    // Prepare
    const reader = lambdaClient(await assumed(READER), 'us-east-1');

    // Act
    const byName = await failure(
      reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' })),
    );
    const byArn = await failure(
      reader.send(new GetAliasCommand({ FunctionName: PAYMENTS_ARN, Name: 'live' })),
    );

    // Assess
    expect([byName.name, byName.$metadata.httpStatusCode, byName.message]).toEqual([
      'ResourceNotFoundException',
      404,
      `Function not found: arn:aws:lambda:us-east-1:${TARGET}:function:payments`,
    ]);
    expect([byArn.name, byArn.$metadata.httpStatusCode, byArn.message]).toEqual([
      'InvalidParameterValueException',
      400,
      "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    ]);
  });

  it('refuses a region it does not serve at the signature', async () => {
    const reader = lambdaClient(await assumed(READER), 'ap-south-1');

    const error = await failure(reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' })));

    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain("Credential should be scoped to a valid region, not 'ap-south-1'.");
  });

  it('refuses expired credentials with ExpiredTokenException 403', async () => {
    // Prepare
    const reader = lambdaClient(await assumed(READER));
    now = new Date(now.getTime() + 900_000);

    // Act
    const error = await failure(reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' })));

    // Assess
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is expired');
  });

  it('accepts the same credentials a second before they expire', async () => {
    const reader = lambdaClient(await assumed(READER));
    now = new Date(Math.floor(now.getTime() / 1000) * 1000 + 899_000);

    const alias = await reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' }));

    expect(alias.FunctionVersion).toBe('1');
  });

  it.each([
    ['without their session token', (c: Credentials) => ({ ...c, sessionToken: undefined })],
    ['with another session token', (c: Credentials) => ({ ...c, sessionToken: `${c.sessionToken}x` })],
    ['with an unknown access key', (c: Credentials) => ({ ...c, accessKeyId: 'ASIAUNKNOWN000000000' })],
  ])('refuses temporary credentials %s with UnrecognizedClientException 403', async (_case, change) => {
    const reader = lambdaClient(change(await assumed(READER)));

    const error = await failure(reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' })));

    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is invalid.');
  });

  it('refuses a wrong secret with InvalidSignatureException 403', async () => {
    const credentials = await assumed(READER);
    const reader = lambdaClient({ ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` });

    const error = await failure(reader.send(new GetAliasCommand({ FunctionName: 'payments', Name: 'live' })));

    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });
});
