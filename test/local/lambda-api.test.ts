import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';

let lambda: LambdaApiStandIn;
let client: LambdaClient;

beforeAll(async () => {
  lambda = await LambdaApiStandIn.start({ credentials: CREDENTIALS });
  client = new LambdaClient({
    endpoint: lambda.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await lambda.close();
});

let fnCounter = 0;
/** A fresh function per test: the stand-in is shared by the file. */
function freshFunction(spec: Parameters<LambdaApiStandIn['createFunction']>[1] = {}): string {
  fnCounter += 1;
  const name = `orders-service-${fnCounter}`;
  lambda.createFunction(name, spec);
  return name;
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

beforeEach(() => {
  lambda.resetCalls();
  lambda.latencyMs = 0;
});

describe('ListVersionsByFunction', () => {
  it('returns $LATEST then versions oldest first, in pages of at most 50 with NextMarker', async () => {
    // Prepare
    const name = freshFunction({
      versions: Array.from({ length: 120 }, (_, i) => ({ description: `release ${i + 1}` })),
    });

    // Act
    const pages: string[][] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(
        new ListVersionsByFunctionCommand({ FunctionName: name, Marker: marker, MaxItems: 500 }),
      );
      pages.push((page.Versions ?? []).map((v) => v.Version ?? ''));
      marker = page.NextMarker;
    } while (marker);

    // Assess
    expect(pages.map((page) => page.length)).toEqual([50, 50, 21]);
    expect(pages.flat()).toEqual(['$LATEST', ...Array.from({ length: 120 }, (_, i) => String(i + 1))]);
    expect(lambda.calls.map((c) => [c.operation, c.status])).toEqual([
      ['ListVersionsByFunction', 200],
      ['ListVersionsByFunction', 200],
      ['ListVersionsByFunction', 200],
    ]);
  });

  it('continues from a marker obtained earlier, including versions published since', async () => {
    // Prepare
    const name = freshFunction({ versions: Array.from({ length: 60 }, () => ({})) });
    const first = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    lambda.publishVersion(name, { description: 'hotfix' });

    // Act
    const again = await client.send(
      new ListVersionsByFunctionCommand({ FunctionName: name, Marker: first.NextMarker }),
    );
    const twice = await client.send(
      new ListVersionsByFunctionCommand({ FunctionName: name, Marker: first.NextMarker }),
    );

    // Assess
    expect(again.Versions?.map((v) => v.Version)).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 50)),
    );
    expect(again.Versions?.at(-1)?.Description).toBe('hotfix');
    expect(again.NextMarker).toBeUndefined();
    expect(twice.Versions).toEqual(again.Versions);
  });

  it('honours a small MaxItems', async () => {
    const name = freshFunction({ versions: [{}, {}, {}] });

    const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: 2 }));

    expect(page.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
    expect(page.NextMarker).toEqual(expect.any(String));
  });

  it.each([
    ['garbage', 'not-a-marker', 'InvalidParameterValueException', 400],
    ['tampered', 'b3JkZXJzCjE=', 'InvalidParameterValueException', 400],
  ])('refuses a %s marker', async (_case, marker, name, status) => {
    const fn = freshFunction({ versions: [{}] });

    const error = await failure(
      client.send(new ListVersionsByFunctionCommand({ FunctionName: fn, Marker: marker })),
    );

    expect(error.name).toBe(name);
    expect(error.$metadata.httpStatusCode).toBe(status);
  });

  it("refuses another function's marker", async () => {
    const one = freshFunction({ versions: Array.from({ length: 60 }, () => ({})) });
    const other = freshFunction({ versions: Array.from({ length: 60 }, () => ({})) });
    const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: one }));

    const error = await failure(
      client.send(new ListVersionsByFunctionCommand({ FunctionName: other, Marker: page.NextMarker })),
    );

    expect(error.name).toBe('InvalidParameterValueException');
  });

  it.each([0, 10001])('refuses MaxItems %i with ValidationException', async (maxItems) => {
    const name = freshFunction();

    const error = await failure(
      client.send(new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: maxItems })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});

describe('function configuration', () => {
  it('describes versions, aliases and $LATEST in AWS format', async () => {
    // Prepare
    const name = freshFunction({
      environment: { TABLE: 'orders' },
      versions: [
        {
          description: 'v1',
          codeSha256: 'qUoMaF5T2mcnWe9v2ET3yLsdUh8V7HEJ8NQRu43qaRg=',
          lastModified: '2024-01-02T03:04:05Z',
        },
        { description: 'v2', memorySize: 512, environment: { TABLE: 'orders', FLAG: 'on' } },
      ],
      aliases: { prod: '1', test: '2' },
    });

    // Act
    const byVersion = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '1' }),
    );
    const byAlias = await client.send(new GetFunctionConfigurationCommand({ FunctionName: `${name}:test` }));
    const latest = await client.send(new GetFunctionCommand({ FunctionName: `${ARN}:${name}` }));

    // Assess
    expect(byVersion).toMatchObject({
      FunctionName: name,
      FunctionArn: `${ARN}:${name}:1`,
      Runtime: 'nodejs22.x',
      MemorySize: 128,
      Timeout: 3,
      Version: '1',
      Description: 'v1',
      CodeSha256: 'qUoMaF5T2mcnWe9v2ET3yLsdUh8V7HEJ8NQRu43qaRg=',
      LastModified: '2024-01-02T03:04:05.000+0000',
      Environment: { Variables: { TABLE: 'orders' } },
      Architectures: ['x86_64'],
      State: 'Active',
      PackageType: 'Zip',
      RevisionId: expect.any(String),
    });
    expect(byAlias).toMatchObject({
      FunctionArn: `${ARN}:${name}:test`,
      Version: '2',
      MemorySize: 512,
      CodeSha256: 'qUoMaF5T2mcnWe9v2ET3yLsdUh8V7HEJ8NQRu43qaRg=',
      Environment: { Variables: { TABLE: 'orders', FLAG: 'on' } },
    });
    expect(latest.Configuration).toMatchObject({
      FunctionArn: `${ARN}:${name}`,
      Version: '$LATEST',
      Description: 'v2',
    });
    expect(latest.Code?.RepositoryType).toBe('S3');
    expect(lambda.calls.map((c) => [c.operation, c.functionName, c.qualifier])).toEqual([
      ['GetFunctionConfiguration', name, '1'],
      ['GetFunctionConfiguration', name, 'test'],
      ['GetFunction', name, undefined],
    ]);
  });

  it.each([
    ['name', (name: string) => name],
    ['partial ARN', (name: string) => `123456789012:function:${name}`],
    ['ARN', (name: string) => `${ARN}:${name}`],
  ])('resolves a function given by %s', async (_form, reference) => {
    const name = freshFunction({ versions: [{}] });

    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: reference(name) }));

    expect(config.FunctionName).toBe(name);
  });

  it('refuses a qualifier in the name that contradicts Qualifier', async () => {
    const name = freshFunction({ versions: [{}], aliases: { prod: '1' } });

    const error = await failure(
      client.send(new GetFunctionConfigurationCommand({ FunctionName: `${name}:prod`, Qualifier: '1' })),
    );

    expect(error.name).toBe('InvalidParameterValueException');
  });
});

describe('not found', () => {
  beforeAll(() => {
    lambda.createFunction('known', { versions: [{}], aliases: { prod: '1' } });
  });

  it.each([
    [
      'an unknown function',
      () => new GetFunctionConfigurationCommand({ FunctionName: 'nope' }),
      `Function not found: ${ARN}:nope`,
    ],
    [
      'an unknown version',
      () => new GetFunctionConfigurationCommand({ FunctionName: 'known', Qualifier: '99' }),
      `Function not found: ${ARN}:known:99`,
    ],
    [
      'an unknown alias',
      () => new GetAliasCommand({ FunctionName: 'known', Name: 'staging' }),
      `Alias not found: ${ARN}:known:staging`,
    ],
    [
      'an alias moved to an unknown version',
      () => new UpdateAliasCommand({ FunctionName: 'known', Name: 'prod', FunctionVersion: '42' }),
      `Function not found: ${ARN}:known:42`,
    ],
    [
      'invoking an unknown function',
      () => new InvokeCommand({ FunctionName: 'nope' }),
      `Function not found: ${ARN}:nope`,
    ],
  ])('answers 404 ResourceNotFoundException for %s', async (_case, command, message) => {
    const error = await failure(client.send(command() as never));

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe(message);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });
});

describe('deleted versions', () => {
  it('a deleted version is gone from reads and listings; one an alias points at cannot be deleted', async () => {
    const name = freshFunction({ versions: [{}, {}, {}], aliases: { prod: '3' } });

    lambda.deleteVersion(name, '2');

    const error = await failure(
      client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '2' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    const listed = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(listed.Versions?.map((version) => version.Version)).toEqual(['$LATEST', '1', '3']);
    expect(() => lambda.deleteVersion(name, '3')).toThrow(/aliases reference it: \[prod\]/);
    expect(() => lambda.deleteVersion(name, '2')).toThrow(/Function not found/);
  });
});

describe('UpdateAlias', () => {
  it('changes the RevisionId on every change and refuses a stale one with 412', async () => {
    // Prepare
    const name = freshFunction({ versions: [{}, {}, {}], aliases: { prod: '1' } });
    const before = await client.send(new GetAliasCommand({ FunctionName: name, Name: 'prod' }));
    lambda.setAlias(name, 'prod', '2');

    // Act
    const error = await failure(
      client.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: 'prod',
          FunctionVersion: '3',
          RevisionId: before.RevisionId,
        }),
      ),
    );
    const current = lambda.alias(name, 'prod');
    const updated = await client.send(
      new UpdateAliasCommand({
        FunctionName: name,
        Name: 'prod',
        FunctionVersion: '3',
        RevisionId: current.revisionId,
      }),
    );

    // Assess
    expect(error.name).toBe('PreconditionFailedException');
    expect(error.$metadata.httpStatusCode).toBe(412);
    expect(current.revisionId).not.toBe(before.RevisionId);
    expect(updated).toMatchObject({ AliasArn: `${ARN}:${name}:prod`, Name: 'prod', FunctionVersion: '3' });
    expect(updated.RevisionId).not.toBe(current.revisionId);
    expect(lambda.alias(name, 'prod')).toMatchObject({ version: '3', revisionId: updated.RevisionId });
    expect(lambda.calls.map((c) => c.status)).toEqual([200, 412, 200]);
  });

  it('keeps the weights when RoutingConfig is omitted and clears them with an empty map', async () => {
    const name = freshFunction({
      versions: [{}, {}, {}],
      aliases: { prod: { version: '1', weights: { '2': 0.1 } } },
    });

    const kept = await client.send(
      new UpdateAliasCommand({ FunctionName: name, Name: 'prod', Description: 'canary' }),
    );
    const cleared = await client.send(
      new UpdateAliasCommand({
        FunctionName: name,
        Name: 'prod',
        FunctionVersion: '3',
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );

    expect(kept.RoutingConfig).toEqual({ AdditionalVersionWeights: { '2': 0.1 } });
    expect(kept.Description).toBe('canary');
    expect(cleared.RoutingConfig).toBeUndefined();
    expect(cleared.FunctionVersion).toBe('3');
  });

  it.each([
    ['a weight above 1', { '2': 1.5 }, 'ValidationException'],
    ['a negative weight', { '2': -0.1 }, 'ValidationException'],
    ['the primary version', { '1': 0.5 }, 'InvalidParameterValueException'],
    ['two extra versions', { '2': 0.1, '3': 0.1 }, 'InvalidParameterValueException'],
    ['an unknown version', { '9': 0.1 }, 'ResourceNotFoundException'],
  ])('refuses weights with %s', async (_case, weights, errorName) => {
    const name = freshFunction({ versions: [{}, {}, {}], aliases: { prod: '1' } });

    const error = await failure(
      client.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: 'prod',
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      ),
    );

    expect(error.name).toBe(errorName);
    expect(lambda.alias(name, 'prod').version).toBe('1');
  });

  it('lists aliases with their routing, filtered by version and paged', async () => {
    const name = freshFunction({
      versions: [{}, {}],
      aliases: { dev: '2', prod: { version: '1', weights: { '2': 0.25 } }, test: '1' },
    });

    const onlyTwo = await client.send(new ListAliasesCommand({ FunctionName: name, FunctionVersion: '2' }));
    const first = await client.send(new ListAliasesCommand({ FunctionName: name, MaxItems: 2 }));
    const rest = await client.send(new ListAliasesCommand({ FunctionName: name, Marker: first.NextMarker }));

    expect(onlyTwo.Aliases?.map((a) => a.Name)).toEqual(['dev', 'prod']);
    expect(first.Aliases?.map((a) => a.Name)).toEqual(['dev', 'prod']);
    expect(first.Aliases?.[1]?.RoutingConfig).toEqual({ AdditionalVersionWeights: { '2': 0.25 } });
    expect(rest.Aliases?.map((a) => a.Name)).toEqual(['test']);
    expect(rest.NextMarker).toBeUndefined();
  });
});

describe('PublishVersion', () => {
  it('publishes $LATEST once, then answers the same version until $LATEST changes', async () => {
    const name = freshFunction({ versions: [{}] });
    lambda.updateFunction(name, { codeSha256: 'bmV3IGNvZGU=' });

    const published = await client.send(
      new PublishVersionCommand({ FunctionName: name, Description: 'new code' }),
    );
    const again = await client.send(new PublishVersionCommand({ FunctionName: name }));

    expect(published).toMatchObject({ Version: '2', Description: 'new code', CodeSha256: 'bmV3IGNvZGU=' });
    expect(published.$metadata.httpStatusCode).toBe(201);
    expect(again.Version).toBe('2');
  });
});

describe('injected failures', () => {
  it('reaches the SDK as TooManyRequestsException, once', async () => {
    // Prepare
    const name = freshFunction({ versions: [{}], aliases: { prod: '1' } });
    lambda.failNext('GetAlias', { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' });

    // Act
    const error = await failure(client.send(new GetAliasCommand({ FunctionName: name, Name: 'prod' })));
    const next = await client.send(new GetAliasCommand({ FunctionName: name, Name: 'prod' }));

    // Assess
    expect(error).toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate exceeded',
      Reason: 'CallerRateLimitExceeded',
    });
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(next.FunctionVersion).toBe('1');
    expect(lambda.calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('fails a given number of times and lets the SDK retry a 500', async () => {
    const name = freshFunction({ versions: [{}] });
    lambda.failNext(
      'GetFunctionConfiguration',
      { status: 500, name: 'ServiceException', message: 'boom' },
      2,
    );
    const retrying = new LambdaClient({
      endpoint: lambda.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 3,
    });

    const config = await retrying.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    retrying.destroy();

    expect(config.FunctionName).toBe(name);
    expect(lambda.calls.map((c) => c.status)).toEqual([500, 500, 200]);
  });
});

describe('Invoke', () => {
  it('accepts an Event with 202 and runs the handler after answering; idle() waits for chained work', async () => {
    // Prepare
    const name = freshFunction({ versions: [{}], aliases: { live: '1' } });
    const seen: string[] = [];
    lambda.onInvoke(name, async (payload, invocation) => {
      const step = (payload as { step: number }).step;
      const answered = lambda.calls.filter((c) => c.operation === 'Invoke').map((c) => c.status);
      seen.push(`run ${step} on ${invocation.executedVersion} after ${answered.join(',')}`);
      if (step === 1) {
        await client.send(
          new InvokeCommand({
            FunctionName: name,
            InvocationType: 'Event',
            Payload: JSON.stringify({ step: 2 }),
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(`done ${step}`);
      return undefined;
    });

    // Act
    const accepted = await client.send(
      new InvokeCommand({
        FunctionName: name,
        Qualifier: 'live',
        InvocationType: 'Event',
        Payload: JSON.stringify({ step: 1 }),
      }),
    );
    await lambda.idle();

    // Assess
    expect(accepted.StatusCode).toBe(202);
    expect(accepted.Payload?.length ?? 0).toBe(0);
    expect(seen).toEqual(
      expect.arrayContaining(['run 1 on 1 after 202', 'run 2 on $LATEST after 202,202', 'done 1', 'done 2']),
    );
    expect(seen).toHaveLength(4);
    expect(lambda.invocations.map((i) => [i.qualifier, i.invocationType, i.payload])).toEqual([
      ['live', 'Event', { step: 1 }],
      [undefined, 'Event', { step: 2 }],
    ]);
  });

  it('records errors of asynchronous invocations instead of throwing them', async () => {
    const name = freshFunction();
    lambda.onInvoke(name, async () => {
      throw new Error('handler failed');
    });

    await client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{}' }));
    await lambda.idle();

    expect(lambda.asyncErrors.at(-1)).toMatchObject({ message: 'handler failed' });
  });

  it('answers RequestResponse with the result and DryRun with 204', async () => {
    const name = freshFunction({ versions: [{}] });
    lambda.onInvoke(name, async (payload) => ({ echo: payload }));

    const response = await client.send(
      new InvokeCommand({ FunctionName: name, Qualifier: '1', Payload: '{"a":1}' }),
    );
    const dryRun = await client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun' }));

    expect(response.StatusCode).toBe(200);
    expect(response.ExecutedVersion).toBe('1');
    expect(JSON.parse(new TextDecoder().decode(response.Payload))).toEqual({ echo: { a: 1 } });
    expect(dryRun.StatusCode).toBe(204);
  });

  it('accepts an Event for a function without a handler and runs nothing', async () => {
    const name = freshFunction();

    const accepted = await client.send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{}' }),
    );
    await lambda.idle();

    expect(accepted.StatusCode).toBe(202);
    expect(lambda.invocations).toHaveLength(1);
  });

  it('refuses an Event payload over 1 MB with 413 RequestTooLargeException', async () => {
    const name = freshFunction();

    const error = await failure(
      client.send(
        new InvokeCommand({
          FunctionName: name,
          InvocationType: 'Event',
          Payload: JSON.stringify({ data: 'x'.repeat(1024 * 1024) }),
        }),
      ),
    );

    expect(error.name).toBe('RequestTooLargeException');
    expect(error.$metadata.httpStatusCode).toBe(413);
    expect(lambda.invocations).toEqual([]);
  });

  it('refuses a payload that is not JSON', async () => {
    const name = freshFunction();

    const error = await failure(client.send(new InvokeCommand({ FunctionName: name, Payload: 'not json' })));

    expect(error.name).toBe('InvalidRequestContentException');
  });
});

describe('authentication', () => {
  it('refuses a request without an Authorization header', async () => {
    const name = freshFunction();

    const response = await fetch(`${lambda.url}/2015-03-31/functions/${name}/configuration`);

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(lambda.calls).toMatchObject([
      { operation: 'GetFunctionConfiguration', functionName: name, status: 403 },
    ]);
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await fetch(`${lambda.url}/2015-03-31/functions/x/configuration`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/lambda/aws4_request' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  it.each([
    ['another region', { region: 'eu-west-1', credentials: CREDENTIALS }, 'InvalidSignatureException'],
    [
      'an unknown access key',
      { region: 'us-east-1', credentials: { ...CREDENTIALS, accessKeyId: 'AKIDOTHER' } },
      'UnrecognizedClientException',
    ],
    [
      'a wrong secret',
      { region: 'us-east-1', credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } },
      'InvalidSignatureException',
    ],
  ])('refuses a request signed for %s', async (_case, config, errorName) => {
    const name = freshFunction();
    const other = new LambdaClient({ endpoint: lambda.url, maxAttempts: 1, ...config });

    const error = await failure(other.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
    other.destroy();

    expect(error.name).toBe(errorName);
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('refuses a request whose clock is more than 15 minutes off', async () => {
    const stale = new Date(Date.now() - 16 * 60 * 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const response = await fetch(`${lambda.url}/2015-03-31/functions/x/configuration`, {
      headers: {
        'x-amz-date': stale,
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDSTANDIN/${stale.slice(0, 8)}/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
      },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await response.json()) as { message: string }).message).toMatch(/^Signature expired: /);
  });

  it('accepts any access key when started without credentials', async () => {
    const open = await LambdaApiStandIn.start();
    open.createFunction('any');
    const anyKey = new LambdaClient({
      endpoint: open.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDANY', secretAccessKey: 'whatever' },
      maxAttempts: 1,
    });

    const config = await anyKey.send(new GetFunctionConfigurationCommand({ FunctionName: 'any' }));
    anyKey.destroy();
    await open.close();

    expect(config.FunctionName).toBe('any');
  });

  it('answers an operation it does not serve with UnknownOperationException', async () => {
    const error = await failure(client.send(new ListFunctionsCommand({})));

    expect(error.name).toBe('UnknownOperationException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(lambda.calls).toMatchObject([{ operation: 'Unknown', status: 404 }]);
  });
});
