// The bundles' "unused SDK code left out" technique (scripts/fast-start.mjs) rewrites the AWS SDK
// clients' error classes and schemas, and binds only the Slack Web API methods the code calls. An error AWS answers must come back from the bundled client
// exactly as from the SDK itself: same class, name, fault, retryable trait and members. The bot
// decides by these (instanceof ConditionalCheckFailedException, the name
// PreconditionFailedException, the SDK's retries on TooManyRequestsException…), so an error it
// relies on coming back as a bare service exception would silently change what it does.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as realCloudWatch from '@aws-sdk/client-cloudwatch';
import * as realDynamoDb from '@aws-sdk/client-dynamodb';
import * as realLambda from '@aws-sdk/client-lambda';
import * as realScheduler from '@aws-sdk/client-scheduler';
import * as realSecretsManager from '@aws-sdk/client-secrets-manager';
import * as realWebApi from '@slack/web-api';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { NO_TECHNIQUES, withFastStart } from '../../scripts/fast-start.mjs';

type Client = { send(command: unknown): Promise<unknown>; destroy(): void };
type Sdk = Record<string, unknown>;
type ErrorClass = (new (options: Record<string, unknown>) => Error) & { shapeId?: string };

/** Each client the bundles use: the SDK's module, and its service exception (every error's base). */
const CLIENTS: Record<string, { real: Sdk; base: string }> = {
  dynamodb: { real: realDynamoDb, base: 'DynamoDBServiceException' },
  lambda: { real: realLambda, base: 'LambdaServiceException' },
  scheduler: { real: realScheduler, base: 'SchedulerServiceException' },
  cloudwatch: { real: realCloudWatch, base: 'CloudWatchServiceException' },
  secretsManager: { real: realSecretsManager, base: 'SecretsManagerServiceException' },
};

let bundled: Record<string, Sdk>;
let probeSource: string;

beforeAll(async () => {
  const outdir = join(tmpdir(), `chatops-sdk-probe-${process.pid}`);
  const { options } = withFastStart(
    {
      entryPoints: { probe: 'test/support/sdk-clients.ts' },
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    },
    { ...NO_TECHNIQUES, slimmerSdks: true },
  );
  await build(options);
  const probe = join(outdir, 'probe.mjs');
  probeSource = readFileSync(probe, 'utf8');
  bundled = await import(pathToFileURL(probe).href);
}, 60_000);

/** The error classes of a client: its exports that extend its service exception. */
function errorClasses(sdk: Sdk, base: string): [string, ErrorClass][] {
  const baseClass = sdk[base] as ErrorClass;
  return Object.entries(sdk).filter(
    (entry): entry is [string, ErrorClass] =>
      typeof entry[1] === 'function' && (entry[1] as ErrorClass).prototype instanceof baseClass,
  );
}

/** Everything an error shows: its own properties (in order) and message (its class is checked apart). */
function described(error: Error) {
  return {
    message: error.message,
    ownKeys: Object.getOwnPropertyNames(error).filter((key) => key !== 'stack'),
    fields: Object.entries(error).filter(([key]) => key !== '$response'),
  };
}

describe('error classes, made by the "unused SDK code left out" technique', () => {
  it('are generated (the probe holds none of the SDK’s own error classes)', () => {
    // The SDK's classes each carry their shape id as a static field; the generated ones set it.
    expect(probeSource).toContain('errorClass(');
    expect(probeSource).not.toMatch(/static shapeId = "com\.amazonaws\.(lambda|dynamodb)#/);
  });

  for (const [client, { real, base }] of Object.entries(CLIENTS)) {
    it(`${client}: every error class is there, with the SDK's name, shape id, fault, retryable trait and members`, () => {
      const theirs = errorClasses(real, base);
      const ours = errorClasses(bundled[client] as Sdk, base);
      expect(theirs.length).toBeGreaterThan(5);
      expect(ours.map(([name]) => name)).toEqual(theirs.map(([name]) => name));

      for (const [name, RealClass] of theirs) {
        const BundledClass = (bundled[client] as Sdk)[name] as ErrorClass;
        expect(BundledClass.name).toBe(name);
        expect(BundledClass.shapeId).toBe(RealClass.shapeId);
        // Every member the SDK's constructor copies, with a value of its own.
        const plain = new RealClass({ message: 'm', $metadata: {} });
        const members = Object.keys(plain).filter((key) => !key.startsWith('$') && key !== 'name');
        const options = {
          message: `${name} happened`,
          $metadata: { httpStatusCode: 400, requestId: 'r-1' },
          ...Object.fromEntries(members.map((member) => [member, `${member} value`])),
        };
        const error = new BundledClass(options);
        expect(described(error)).toEqual(described(new RealClass(options)));
        expect(error).toBeInstanceOf(BundledClass);
        expect(error).toBeInstanceOf((bundled[client] as Sdk)[base] as ErrorClass);
      }
    });
  }
});

/** An AWS error answer, as the service's protocol writes it. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}
let answer: Answer;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const restJson = (name: string, status: number, body: Record<string, unknown>, headers = {}): Answer => ({
  status,
  headers: { 'x-amzn-errortype': `${name}:http://internal.amazon.com/coral/com.amazonaws/`, ...headers },
  body,
});
const awsJson = (namespace: string, name: string, status: number, body: Record<string, unknown>): Answer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: { __type: `${namespace}#${name}`, ...body },
});

/**
 * The AWS errors the bot decides by (src/adapters: lambda-errors.ts, the DynamoDB stores, the
 * rollout scheduler), each from a command it sends.
 */
const RELIED_ON: {
  client: string;
  command: [string, Record<string, unknown>];
  name: string;
  answer: Answer;
}[] = [
  ...(
    [
      ['ResourceNotFoundException', 404],
      ['PreconditionFailedException', 412],
      ['ResourceConflictException', 409],
      ['InvalidParameterValueException', 400],
      ['ServiceException', 500],
      // Not Lambda's modelled errors: they come back as the service exception, by name.
      ['AccessDeniedException', 403],
      ['ThrottlingException', 400],
    ] as const
  ).map(([name, status]) => ({
    client: 'lambda',
    command: ['GetAliasCommand', { FunctionName: 'orders-service', Name: 'prod' }] as [
      string,
      Record<string, unknown>,
    ],
    name,
    answer: restJson(name, status, { Type: 'User', message: `${name} from AWS` }),
  })),
  {
    client: 'lambda',
    command: ['ListAliasesCommand', { FunctionName: 'orders-service' }],
    name: 'TooManyRequestsException',
    answer: restJson(
      'TooManyRequestsException',
      429,
      { Reason: 'CallerRateLimitExceeded', Type: 'User', message: 'Rate exceeded' },
      { 'retry-after': '3' },
    ),
  },
  ...[
    'ConditionalCheckFailedException',
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'ResourceNotFoundException',
  ].map((name) => ({
    client: 'dynamodb',
    command: ['PutItemCommand', { TableName: 'audit', Item: { pk: { S: 'REQ#1' } } }] as [
      string,
      Record<string, unknown>,
    ],
    name,
    answer: awsJson('com.amazonaws.dynamodb.v20120810', name, 400, {
      message: `${name} from AWS`,
      ...(name === 'ConditionalCheckFailedException' ? { Item: { pk: { S: 'REQ#1' } } } : {}),
    }),
  })),
  ...(
    [
      ['ConflictException', 409],
      ['ResourceNotFoundException', 404],
    ] as const
  ).map(([name, status]) => ({
    client: 'scheduler',
    command: ['DeleteScheduleCommand', { Name: 'tick', GroupName: 'orders-rollouts' }] as [
      string,
      Record<string, unknown>,
    ],
    name,
    answer: restJson(name, status, { Message: `${name} from AWS` }),
  })),
];

const CLIENT_CLASSES: Record<string, string> = {
  lambda: 'LambdaClient',
  dynamodb: 'DynamoDBClient',
  scheduler: 'SchedulerClient',
};

/** What `send` rejected with, from a client of `sdk` against the local server. */
async function rejection(sdk: Sdk, client: string, [command, input]: [string, Record<string, unknown>]) {
  const Client = sdk[CLIENT_CLASSES[client] as string] as new (config: unknown) => Client;
  const Command = sdk[command] as new (input: unknown) => unknown;
  const instance = new Client({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  try {
    await instance.send(new Command(input));
  } catch (error) {
    return error as Error;
  } finally {
    instance.destroy();
  }
  throw new Error(`${command} did not fail`);
}

describe('AWS errors the bot decides by, answered to the bundled clients', () => {
  for (const { client, command, name, answer: theAnswer } of RELIED_ON) {
    it(`${client} ${command[0]}: ${name} comes back as it does from the SDK`, async () => {
      answer = theAnswer;
      const sdk = bundled[client] as Sdk;

      const ours = await rejection(sdk, client, command);
      const theirs = await rejection(CLIENTS[client]?.real as Sdk, client, command);

      expect(ours.name).toBe(name);
      expect(described(ours)).toEqual(described(theirs));
      const modelled = sdk[name] as ErrorClass | undefined;
      if (modelled) expect(ours).toBeInstanceOf(modelled);
      else expect(ours).toBeInstanceOf(sdk[CLIENTS[client]?.base as string] as ErrorClass);
    });
  }

  it('covers every AWS error name the bot’s code decides by', () => {
    const named = new Set<string>();
    const sources = readdirSync('src', { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('local'),
    );
    for (const entry of sources) {
      const code = readFileSync(join(entry.parentPath, entry.name), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n');
      for (const [, name] of code.matchAll(/\b(\w+Exception)\b/g)) named.add(name as string);
    }
    named.delete('ErrnoException'); // Node's, for files
    // The STS client is a lazy chunk, built as the SDK ships it: its AccessDenied is not rewritten.
    expect([...named].filter((name) => !RELIED_ON.some((relied) => relied.name === name))).toEqual([]);
    expect(named.size).toBeGreaterThan(5);
  });
});

describe('the Slack Web API client, with only the methods the code calls bound', () => {
  type WebClient = Record<string, unknown> & { apiCall(method: string, options?: unknown): Promise<unknown> };
  const slackClient = (): WebClient => {
    const { WebClient } = bundled.slackWebApi as {
      WebClient: new (token: string, options: unknown) => WebClient;
    };
    return new WebClient('xoxb-test', { slackApiUrl: `${endpoint}/api/`, retryConfig: { retries: 0 } });
  };
  const at = (client: WebClient, method: string) =>
    method.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client);

  it('binds every method our code calls as client.<method>, and it reaches Slack', async () => {
    const client = slackClient();
    const called = new Set<string>();
    const sources = readdirSync('src', { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('local'),
    );
    for (const entry of sources) {
      const code = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      for (const [, method] of code.matchAll(
        /\bclient\.((?:chat|usergroups|users|views|conversations)(?:\.\w+)+)\(/g,
      ))
        called.add(method as string);
    }
    expect([...called]).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update']));
    for (const method of called) expect(typeof at(client, method)).toBe('function');

    answer = { status: 200, headers: {}, body: { ok: true, ts: '1.2' } };
    const postMessage = at(client, 'chat.postMessage') as (options: unknown) => Promise<unknown>;
    await expect(postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({ ok: true, ts: '1.2' });
  });

  it('rejects a method no code calls, naming it and what to do instead; apiCall still reaches it', async () => {
    const client = slackClient();

    const approve = at(client, 'admin.apps.approve') as (options: unknown) => Promise<unknown>;
    await expect(approve({ app_id: 'A1' })).rejects.toThrow(
      /^Slack Web API method admin\.apps\.approve is not bound in lambda-chatops's bundle.*client\.apiCall\('admin\.apps\.approve'/,
    );
    // A method beside bound ones (chat.postMessage, chat.update, chat.delete) that no code calls.
    const schedule = at(client, 'chat.scheduleMessage') as (options: unknown) => Promise<unknown>;
    await expect(schedule({ channel: 'C1', text: 'later', post_at: 1 })).rejects.toThrow(
      /method chat\.scheduleMessage is not bound/,
    );
    // As the SDK ships, the method is there: the difference is the bundle's.
    const real = new (realWebApi.WebClient as unknown as new (token: string) => WebClient)('xoxb-test');
    expect(typeof at(real, 'admin.apps.approve')).toBe('function');

    answer = { status: 200, headers: {}, body: { ok: true } };
    await expect(client.apiCall('admin.apps.approve', { app_id: 'A1' })).resolves.toMatchObject({ ok: true });
  });
});
