import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HANDLER_ASSET_DIR } from '../../infra/lib/chatops-stack';
import type { CodeCacheDescription } from '../../infra/lib/code-cache-check';
import { readDeploySettings } from '../../infra/lib/deploy-settings';
import { TABLE_SCHEMA } from '../../src/adapters/table-schema';
import { loadConfigFile } from '../../src/config';
import { RUNTIME_VARIABLES } from '../../src/env';
import { REPO_ROOT, removeTempDirs, tempDir } from './files';
import {
  FAKE_HANDLER,
  fakeBuildOutput,
  identityStatements,
  onlyResource,
  resourceById,
  type Statement,
  type Synthesized,
  synthesize,
} from './synth';

const arn = (name: string) =>
  `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}`;
const statementsFor = (statements: Statement[], action: string) =>
  statements.filter((statement) => statement.actions.includes(action));
const resourcesFor = (statements: Statement[], action: string) =>
  statementsFor(statements, action).flatMap((statement) => statement.resources);

let example: Synthesized;
let exampleBuildDir: string;
let statements: Statement[];
let slackStatements: Statement[];
let workerStatements: Statement[];
let tableId: string;
let secretId: string;
let functionId: string;

beforeAll(() => {
  exampleBuildDir = fakeBuildOutput();
  example = synthesize({
    config: loadConfigFile(join(REPO_ROOT, 'chatops.config.yml')),
    handlerAssetDir: exampleBuildDir,
  });
  statements = identityStatements(example.template);
  slackStatements = identityStatements(
    example.template,
    resourceById(example.template, 'AWS::IAM::Role', 'Role').id,
  );
  workerStatements = identityStatements(
    example.template,
    resourceById(example.template, 'AWS::IAM::Role', 'WorkerRole').id,
  );
  tableId = onlyResource(example.template, 'AWS::DynamoDB::Table').id;
  secretId = onlyResource(example.template, 'AWS::SecretsManager::Secret').id;
  functionId = resourceById(example.template, 'AWS::Lambda::Function', 'Handler').id;
});
afterAll(removeTempDirs);

describe('the audit table', () => {
  it('has the keys and indexes of TABLE_SCHEMA, all strings, projecting every attribute', () => {
    const { resource } = onlyResource(example.template, 'AWS::DynamoDB::Table');
    const properties = resource.Properties as Record<string, unknown>;
    const key = (hash: string, range: string) => [
      { AttributeName: hash, KeyType: 'HASH' },
      { AttributeName: range, KeyType: 'RANGE' },
    ];
    expect(properties.KeySchema).toEqual(key(TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey));
    expect(properties.GlobalSecondaryIndexes).toEqual(
      Object.values(TABLE_SCHEMA.indexes).map((index) => ({
        IndexName: index.name,
        KeySchema: key(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const definitions = properties.AttributeDefinitions as { AttributeType: string }[];
    expect(definitions.every((definition) => definition.AttributeType === 'S')).toBe(true);
  });

  it('is on-demand, with point-in-time recovery and TTL on the schema attribute', () => {
    example.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    });
  });

  it('outlives the stack and cannot be deleted by accident', () => {
    example.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('the Slack secret', () => {
  it('is created without a value: the template holds no secret and generates none', () => {
    const { resource } = onlyResource(example.template, 'AWS::SecretsManager::Secret');
    expect(Object.keys(resource.Properties as object)).toEqual(['Description']);
  });
});

const FUNCTIONS = {
  slack: {
    id: 'Handler',
    name: 'lambda-chatops',
    entry: 'handler',
    role: 'Role',
    logs: 'Logs',
    memory: 1769,
  },
  worker: {
    id: 'Worker',
    name: 'lambda-chatops-worker',
    entry: 'worker',
    role: 'WorkerRole',
    logs: 'WorkerLogs',
    memory: 1024,
  },
} as const;

describe.each(Object.entries(FUNCTIONS))('the %s function', (_kind, spec) => {
  const fn = () => resourceById(example.template, 'AWS::Lambda::Function', spec.id);

  it('runs its built bundle on Node.js 24 (the newest runtime CDK knows), arm64, with its explained timeout and memory', () => {
    expect(fn().resource.Properties).toMatchObject({
      FunctionName: spec.name,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: `${spec.entry}.handler`,
      Timeout: 30,
      MemorySize: spec.memory,
    });
  });

  it('deploys the build output directory as it is, as its code', () => {
    const assets = JSON.parse(readFileSync(join(example.assemblyDir, 'LambdaChatops.assets.json'), 'utf8'));
    const s3Key = (fn().resource.Properties as { Code: { S3Key: string } }).Code.S3Key;
    const asset = assets.files[s3Key.replace(/\.zip$/, '')];
    expect(asset.source.packaging).toBe('zip');
    const staged = join(example.assemblyDir, asset.source.path);
    expect(readdirSync(staged).sort()).toEqual(readdirSync(exampleBuildDir).sort());
    expect(readFileSync(join(staged, `${spec.entry}.mjs`), 'utf8')).toBe(FAKE_HANDLER);
  });

  it('logs to its own log group, kept a month', () => {
    const { id, resource } = resourceById(example.template, 'AWS::Logs::LogGroup', spec.logs);
    expect(resource.Properties).toMatchObject({
      LogGroupName: `/aws/lambda/${spec.name}`,
      RetentionInDays: 30,
    });
    expect(fn().resource.Properties).toMatchObject({ LoggingConfig: { LogGroup: { Ref: id } } });
  });

  it("logs in Lambda's JSON format at the info level, and traces with X-Ray", () => {
    const { id } = resourceById(example.template, 'AWS::Logs::LogGroup', spec.logs);
    expect(fn().resource.Properties).toMatchObject({
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: id },
      },
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('raises an alarm when it throws', () => {
    example.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn().id } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('has its own role, with no managed policies (AWSLambdaBasicExecutionRole writes any log group)', () => {
    const { id, resource } = resourceById(example.template, 'AWS::IAM::Role', spec.role);
    expect((resource.Properties as Record<string, unknown>).ManagedPolicyArns).toBeUndefined();
    expect(fn().resource.Properties).toMatchObject({ Role: { 'Fn::GetAtt': [id, 'Arn'] } });
  });
});

describe('the Slack-facing function', () => {
  it('has SLACK_SECRET_ARN, AUDIT_TABLE_NAME and WORKER_FUNCTION_NAME in its environment, variables the bot reads', () => {
    const { resource } = resourceById(example.template, 'AWS::Lambda::Function', 'Handler');
    const variables = (resource.Properties as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    for (const name of Object.keys(variables)) expect(RUNTIME_VARIABLES).toContain(name);
    expect(variables).toEqual({
      SLACK_SECRET_ARN: { Ref: secretId },
      AUDIT_TABLE_NAME: { Ref: tableId },
      WORKER_FUNCTION_NAME: 'lambda-chatops-worker',
    });
  });

  it('takes its code from <repo>/dist, where `npm run build` writes, unless told otherwise', () => {
    expect(DEFAULT_HANDLER_ASSET_DIR).toBe(join(REPO_ROOT, 'dist'));
  });

  it.each(['handler', 'worker'])(
    'refuses to synthesize without %s.mjs, naming the command to run',
    (entry) => {
      const dir = fakeBuildOutput();
      rmSync(join(dir, `${entry}.mjs`));
      expect(() =>
        synthesize({ config: loadConfigFile(join(REPO_ROOT, 'chatops.config.yml')), handlerAssetDir: dir }),
      ).toThrow(new RegExp(`${entry}\\.mjs does not exist: run \`npm run build\` first`));
    },
  );

  it('follows Lambda runtime updates unless a runtime version is pinned, then both functions stay on it', () => {
    const configs = (template: Synthesized['template']) =>
      Object.values(template.findResources('AWS::Lambda::Function')).map(
        (resource) => (resource.Properties as Record<string, unknown>).RuntimeManagementConfig,
      );
    expect(configs(example.template)).toEqual([undefined, undefined]);

    const runtimeVersionArn = `arn:aws:lambda:eu-west-1::runtime:${'ab'.repeat(32)}`;
    const pinned = synthesize({
      config: loadConfigFile(join(REPO_ROOT, 'chatops.config.yml')),
      runtimeVersionArn,
    });
    expect(configs(pinned.template)).toEqual([
      { UpdateRuntimeOn: 'Manual', RuntimeVersionArn: runtimeVersionArn },
      { UpdateRuntimeOn: 'Manual', RuntimeVersionArn: runtimeVersionArn },
    ]);
  });

  it('is reached through a Function URL without AWS auth (Slack signs its requests instead)', () => {
    example.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });
});

describe('the worker function', () => {
  it('has SLACK_SECRET_ARN, AUDIT_TABLE_NAME, SCHEDULER_ROLE_ARN and SCHEDULE_GROUP_NAME in its environment', () => {
    const { resource } = resourceById(example.template, 'AWS::Lambda::Function', 'Worker');
    const variables = (resource.Properties as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    for (const name of Object.keys(variables)) expect(RUNTIME_VARIABLES).toContain(name);
    const schedulerRole = resourceById(example.template, 'AWS::IAM::Role', 'SchedulerRole').id;
    expect(variables).toEqual({
      SLACK_SECRET_ARN: { Ref: secretId },
      AUDIT_TABLE_NAME: { Ref: tableId },
      SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [schedulerRole, 'Arn'] },
      SCHEDULE_GROUP_NAME: 'lambda-chatops-rollouts',
    });
  });

  it("has its own schedule group for the rollout steps' one-time schedules", () => {
    example.template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: 'lambda-chatops-rollouts',
    });
  });

  it('is the only thing the scheduler role may invoke, and only EventBridge Scheduler of this account may assume it', () => {
    const role = resourceById(example.template, 'AWS::IAM::Role', 'SchedulerRole');
    expect(identityStatements(example.template, role.id)).toEqual([
      {
        sid: 'InvokeWorker',
        effect: 'Allow',
        actions: ['lambda:InvokeFunction'],
        resources: [arn('lambda-chatops-worker')],
      },
    ]);
    expect(role.resource.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  it('retries a failed event twice, then sends it to a queue whose alarm fires: a failed apply is never silent', () => {
    const worker = resourceById(example.template, 'AWS::Lambda::Function', 'Worker');
    const queue = onlyResource(example.template, 'AWS::SQS::Queue');
    example.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: worker.id },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue.id, 'Arn'] } } },
    });
    expect(queue.resource.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    example.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue.id, 'QueueName'] } }],
      Threshold: 1,
    });
  });
});

describe('the outputs', () => {
  it('are the Function URL, the table name, the secret ARN and the worker', () => {
    const { id: urlId } = onlyResource(example.template, 'AWS::Lambda::Url');
    const outputs = example.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AuditTableName',
      'FunctionUrl',
      'SlackSecretArn',
      'WorkerFunctionName',
    ]);
    expect(outputs.FunctionUrl?.Value).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
    expect(outputs.AuditTableName?.Value).toEqual({ Ref: tableId });
    expect(outputs.SlackSecretArn?.Value).toEqual({ Ref: secretId });
  });
});

describe('the IAM policies of the example configuration', () => {
  const table = () => `\${${tableId}.Arn}`;
  const managed = [
    arn('orders-service'),
    `${arn('orders-service')}:*`,
    arn('payments-service'),
    `${arn('payments-service')}:*`,
  ];
  const allow = (sid: string | undefined, actions: string[], resources: string[]) => ({
    sid,
    effect: 'Allow',
    actions: actions.sort(),
    resources: resources.sort(),
  });
  const logsOf = (prefix: string) =>
    `\${${resourceById(example.template, 'AWS::Logs::LogGroup', prefix).id}.Arn}`;
  // CDK's grant for active tracing: X-Ray has no resource-level permissions for these two.
  const traces = () => allow(undefined, ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], ['*']);
  const shared = () => [
    allow(
      'ReadManagedFunctions',
      [
        'lambda:GetAlias',
        'lambda:GetFunctionConfiguration',
        'lambda:ListAliases',
        'lambda:ListVersionsByFunction',
      ],
      managed,
    ),
    allow('PutAndGetAuditItems', ['dynamodb:GetItem', 'dynamodb:PutItem'], [table()]),
    allow(
      'QueryAuditTable',
      ['dynamodb:Query'],
      [table(), ...Object.values(TABLE_SCHEMA.indexes).map((index) => `${table()}/index/${index.name}`)],
    ),
    allow('ReadSlackSecret', ['secretsmanager:GetSecretValue'], [`\${${secretId}}`]),
  ];

  it('lets the Slack-facing function read, record and invoke the worker: these statements and nothing else', () => {
    expect(slackStatements).toEqual([
      traces(),
      ...shared(),
      allow('InvokeWorker', ['lambda:InvokeFunction'], [arn('lambda-chatops-worker')]),
      allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logsOf('Logs')]),
    ]);
  });

  it('gives the Slack-facing function no way to move an alias, schedule or read metrics', () => {
    const actions = slackStatements.flatMap((statement) => statement.actions);
    expect(actions).not.toContain('lambda:UpdateAlias');
    expect(actions.filter((action) => /^(scheduler|cloudwatch):/.test(action))).toEqual([]);
  });

  it('lets the worker read, record, promote and report its failures: these statements and nothing else', () => {
    const queue = onlyResource(example.template, 'AWS::SQS::Queue').id;
    const bySid = (a: { sid?: string | undefined }, b: { sid?: string | undefined }) =>
      (a.sid ?? '').localeCompare(b.sid ?? '');
    expect([...workerStatements].sort(bySid)).toEqual(
      [
        ...shared(),
        allow('PromoteManagedFunctionAliases', ['lambda:UpdateAlias'], managed),
        allow(
          'ScheduleRolloutSteps',
          ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          [
            `arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/lambda-chatops-rollouts/*`,
          ],
        ),
        allow(
          'PassSchedulerRole',
          ['iam:PassRole'],
          [`\${${resourceById(example.template, 'AWS::IAM::Role', 'SchedulerRole').id}.Arn}`],
        ),
        allow('ReadRolloutMetrics', ['cloudwatch:GetMetricData'], ['*']),
        allow(
          'ReadRolloutAlarms',
          ['cloudwatch:DescribeAlarms'],
          [`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`],
        ),
        allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logsOf('WorkerLogs')]),
        traces(),
        // CDK's grant for the on-failure destination.
        allow(
          undefined,
          ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          [`\${${queue}.Arn}`],
        ),
      ].sort(bySid),
    );
  });

  it('has no wildcard action, and no `*` resource for any lambda or dynamodb action', () => {
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toMatch(/\*/);
      if (statement.actions.some((action) => /^(lambda|dynamodb):/.test(action))) {
        expect(statement.resources).not.toContain('*');
      }
    }
  });

  it('passes the scheduler role to EventBridge Scheduler only', () => {
    type PolicyStatement = { Sid?: string; Condition?: unknown };
    const policies = Object.values(example.template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: PolicyStatement[] } };
    }[];
    const conditions = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Sid === 'PassSchedulerRole')
      .map((statement) => statement.Condition);
    expect(conditions).toEqual([{ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }]);
  });

  it('updates aliases of the configured functions only, from the worker only', () => {
    expect(resourcesFor(workerStatements, 'lambda:UpdateAlias')).toEqual(managed);
    expect(resourcesFor(slackStatements, 'lambda:UpdateAlias')).toEqual([]);
  });

  it('invokes only the worker, never deletes or scans the table', () => {
    // The Slack-facing function's role and the Scheduler role (heartbeat, rollout steps).
    expect([...new Set(resourcesFor(statements, 'lambda:InvokeFunction'))]).toEqual([
      arn('lambda-chatops-worker'),
    ]);
    const actions = statements.flatMap((statement) => statement.actions);
    for (const forbidden of [
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it.each([
    ['handler', () => slackStatements],
    ['worker', () => workerStatements],
  ] as const)('allows every AWS API call the %s bundle’s code makes', (entry, of) => {
    // STS only reaches the configured accounts' roles: granted with `accounts` only (target-stack.test.ts).
    const allowed = new Set([...of().flatMap((statement) => statement.actions), 'sts:AssumeRole']);
    const calls = awsCallsInSource(entry);
    expect(calls.length).toBeGreaterThan(0);
    for (const { action, file } of calls) expect(allowed, `${file} calls ${action}`).toContain(action);
  });
});

describe('a different configuration', () => {
  let statementsOfOther: Statement[];
  const billingArn = 'arn:aws:lambda:eu-west-1:123456789012:function:billing';

  beforeAll(() => {
    const file = join(tempDir(), 'other.config.yml');
    writeFileSync(
      file,
      [
        'functions:',
        `  billing: { functionName: "${billingArn}", stages: [staging, live] }`,
        '  search: {}',
        'approvals:',
        '  default: { approvers: anyone, required: 1 }',
      ].join('\n'),
    );
    statementsOfOther = identityStatements(
      synthesize({ config: loadConfigFile(file), functionName: 'team-chatops' }).template,
    );
  });

  it('changes the functions the policy reads and promotes: ARNs as given, names in this account', () => {
    const expected = [billingArn, `${billingArn}:*`, arn('search'), `${arn('search')}:*`].sort();
    for (const action of ['lambda:UpdateAlias', 'lambda:GetAlias', 'lambda:ListVersionsByFunction']) {
      expect([...new Set(resourcesFor(statementsOfOther, action))].sort()).toEqual(expected);
    }
    expect(JSON.stringify(statementsOfOther)).not.toContain('orders-service');
  });

  it('invokes the worker by the overridden name', () => {
    expect([...new Set(resourcesFor(statementsOfOther, 'lambda:InvokeFunction'))]).toEqual([
      arn('team-chatops-worker'),
    ]);
  });
});

describe('readDeploySettings', () => {
  const none = () => undefined;

  it('defaults to chatops.config.yml and the function lambda-chatops', () => {
    expect(readDeploySettings(none, {})).toEqual({
      configPath: 'chatops.config.yml',
      functionName: 'lambda-chatops',
      driftEvents: false,
    });
  });

  it('takes the configuration from context `config`, else CHATOPS_CONFIG, like the build', () => {
    const context = (key: string) => ({ config: 'prod.yml', functionName: 'ops-bot' })[key];
    expect(readDeploySettings(context, { CHATOPS_CONFIG: 'env.yml' })).toEqual({
      configPath: 'prod.yml',
      functionName: 'ops-bot',
      driftEvents: false,
    });
    expect(readDeploySettings(none, { CHATOPS_CONFIG: 'env.yml' }).configPath).toBe('env.yml');
  });

  it('takes a runtime version ARN to pin, and refuses anything else', () => {
    const arn = `arn:aws:lambda:us-east-1::runtime:${'0123456789abcdef'.repeat(4)}`;
    expect(readDeploySettings((key) => (key === 'runtimeVersionArn' ? arn : undefined), {})).toEqual({
      configPath: 'chatops.config.yml',
      functionName: 'lambda-chatops',
      driftEvents: false,
      runtimeVersionArn: arn,
    });
    for (const wrong of [
      'nodejs24.x',
      `${arn.slice(0, -1)}g`,
      arn.replace('::runtime', ':123456789012:runtime'),
    ]) {
      expect(() =>
        readDeploySettings((key) => (key === 'runtimeVersionArn' ? wrong : undefined), {}),
      ).toThrow(/runtimeVersionArn/);
    }
  });

  it.each(['1bot', 'with_underscore', 'x'.repeat(58), ''])('refuses the function name %j', (name) => {
    expect(() => readDeploySettings((key) => (key === 'functionName' ? name : undefined), {})).toThrow(
      /functionName/,
    );
  });
});

/**
 * Every `XCommand` a bundle's code imports from an AWS SDK client, as the IAM action it needs: the
 * files its entry point reaches through relative imports.
 */
function awsCallsInSource(entry: 'handler' | 'worker'): { action: string; file: string }[] {
  const prefixes: Record<string, string> = {
    dynamodb: 'dynamodb',
    lambda: 'lambda',
    'secrets-manager': 'secretsmanager',
    sts: 'sts',
    scheduler: 'scheduler',
    cloudwatch: 'cloudwatch',
  };
  // The API operation and the IAM action mostly share a name; these are the exceptions we use.
  const renamed: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
  const calls: { action: string; file: string }[] = [];
  const importFromClient = /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/client-([a-z-]+)'/g;
  for (const file of reachableFiles(join(REPO_ROOT, 'src', `${entry}.ts`))) {
    for (const [, names = '', client = ''] of readFileSync(file, 'utf8').matchAll(importFromClient)) {
      const prefix = prefixes[client];
      if (!prefix)
        throw new Error(`${file} uses @aws-sdk/client-${client}: add its actions to the stack and here`);
      for (const imported of names.split(',')) {
        const name =
          imported
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '';
        if (!name.endsWith('Command')) continue;
        const action = `${prefix}:${name.slice(0, -'Command'.length)}`;
        calls.push({ action: renamed[action] ?? action, file: relative(REPO_ROOT, file) });
      }
    }
  }
  return calls;
}

/** The source files a file reaches through relative imports (type-only imports included). */
function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, target = ''] of text.matchAll(/from\s+'(\.[^']+)'/g)) {
      visit(join(dirname(file), target.endsWith('.ts') ? target : `${target}.ts`));
    }
  };
  visit(entry);
  return [...seen];
}

describe('the V8 code caches shipped in the asset', () => {
  const config = () => loadConfigFile(join(REPO_ROOT, 'chatops.config.yml'));
  const runtimeVersionArn = `arn:aws:lambda:us-east-1::runtime:${'0f'.repeat(32)}`;
  const SCRIPT = '(function (exports, require, module) { exports.handler = async () => ({}); })';

  /** A build with `<entry>.app.cjs` and its cache, described as `npm run code-cache` describes it. */
  function buildWithCache(entry: string, about: Partial<CodeCacheDescription> = {}): string {
    const dir = fakeBuildOutput();
    for (const name of ['handler', 'worker']) writeFileSync(join(dir, `${name}.app.cjs`), SCRIPT);
    writeFileSync(join(dir, `${entry}.cache`), 'v8 code cache');
    const description: CodeCacheDescription = {
      node: 'v24.21.0',
      platform: 'linux',
      arch: 'arm64',
      flags: ['--expose-gc'],
      memoryMb: 1769,
      script: `${entry}.app.cjs`,
      scriptSha256: createHash('sha256').update(SCRIPT).digest('hex'),
      bytes: 13,
      ranUnder: 'qemu-aarch64 -L /usr/aarch64-linux-gnu',
      made: '2026-11-29T00:00:00.000Z',
      ...about,
    };
    writeFileSync(join(dir, `${entry}.cache.json`), JSON.stringify(description));
    return dir;
  }

  it.each(['handler', 'worker'])('refuses %s.cache unless the runtime it was made for is pinned', (entry) => {
    const dir = buildWithCache(entry);
    expect(() => synthesize({ config: config(), handlerAssetDir: dir })).toThrow(
      new RegExp(`${entry}\\.cache is a code cache for one Node version: pin the runtime`),
    );
  });

  it('ships a cache made for linux-arm64 and this build, with its description, when the runtime is pinned', () => {
    const dir = buildWithCache('handler');
    const { assemblyDir, template } = synthesize({
      config: config(),
      handlerAssetDir: dir,
      runtimeVersionArn,
    });
    // The functions run on the architecture the cache was made for.
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.map((fn) => (fn.Properties as { Architectures: string[] }).Architectures)).toEqual([
      ['arm64'],
      ['arm64'],
    ]);
    const asset = readdirSync(assemblyDir).find(
      (name) => name.startsWith('asset.') && readdirSync(join(assemblyDir, name)).includes('handler.mjs'),
    );
    expect(asset).toBeDefined();
    const shipped = readdirSync(join(assemblyDir, asset ?? ''));
    expect(shipped).toEqual(
      expect.arrayContaining(['handler.cache', 'handler.cache.json', 'handler.app.cjs']),
    );
  });

  it.each(['handler', 'worker'])(
    'refuses %s.cache made on another architecture, naming the command for arm64',
    (entry) => {
      const dir = buildWithCache(entry, { arch: 'x64' });
      expect(() => synthesize({ config: config(), handlerAssetDir: dir, runtimeVersionArn })).toThrow(
        new RegExp(
          `${entry}\\.cache was made by Node v24\\.21\\.0 on linux-x64; the function runs on linux-arm64.*npm run code-cache -- --arch arm64 --node`,
        ),
      );
      const onMac = buildWithCache(entry, { platform: 'darwin' });
      expect(() => synthesize({ config: config(), handlerAssetDir: onMac, runtimeVersionArn })).toThrow(
        /on darwin-arm64; the function runs on linux-arm64/,
      );
    },
  );

  it('refuses a cache made for another build of the script, or with no description', () => {
    const stale = buildWithCache('handler', { scriptSha256: '0'.repeat(64) });
    expect(() => synthesize({ config: config(), handlerAssetDir: stale, runtimeVersionArn })).toThrow(
      /handler\.cache was made for another build of handler\.app\.cjs: make it again after `npm run build`/,
    );
    const undescribed = buildWithCache('worker');
    rmSync(join(undescribed, 'worker.cache.json'));
    expect(() => synthesize({ config: config(), handlerAssetDir: undescribed, runtimeVersionArn })).toThrow(
      /worker\.cache has no worker\.cache\.json saying what it was made with/,
    );
  });
});
