import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HANDLER_ASSET_DIR } from '../../infra/lib/chatops-stack';
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
  tableId = onlyResource(example.template, 'AWS::DynamoDB::Table').id;
  secretId = onlyResource(example.template, 'AWS::SecretsManager::Secret').id;
  functionId = onlyResource(example.template, 'AWS::Lambda::Function').id;
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

describe('the function', () => {
  it('runs the built handler on Node.js 22, arm64, with its explained timeout and memory', () => {
    example.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'lambda-chatops',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'handler.handler',
      Timeout: 30,
      MemorySize: 1769,
    });
  });

  it('has exactly SLACK_SECRET_ARN and AUDIT_TABLE_NAME in its environment, variables the bot reads', () => {
    const { resource } = onlyResource(example.template, 'AWS::Lambda::Function');
    const variables = (resource.Properties as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(['AUDIT_TABLE_NAME', 'SLACK_SECRET_ARN']);
    for (const name of Object.keys(variables)) expect(RUNTIME_VARIABLES).toContain(name);
    expect(variables).toEqual({ SLACK_SECRET_ARN: { Ref: secretId }, AUDIT_TABLE_NAME: { Ref: tableId } });
  });

  it('deploys the build output directory as it is, as its code', () => {
    const assets = JSON.parse(readFileSync(join(example.assemblyDir, 'LambdaChatops.assets.json'), 'utf8'));
    const { resource } = onlyResource(example.template, 'AWS::Lambda::Function');
    const s3Key = (resource.Properties as { Code: { S3Key: string } }).Code.S3Key;
    const asset = assets.files[s3Key.replace(/\.zip$/, '')];
    expect(asset.source.packaging).toBe('zip');
    const staged = join(example.assemblyDir, asset.source.path);
    expect(readdirSync(staged).sort()).toEqual(readdirSync(exampleBuildDir).sort());
    expect(readFileSync(join(staged, 'handler.mjs'), 'utf8')).toBe(FAKE_HANDLER);
  });

  it('takes its code from <repo>/dist, where `npm run build` writes, unless told otherwise', () => {
    expect(DEFAULT_HANDLER_ASSET_DIR).toBe(join(REPO_ROOT, 'dist'));
  });

  it('refuses to synthesize without a build, naming the command to run', () => {
    expect(() =>
      synthesize({
        config: loadConfigFile(join(REPO_ROOT, 'chatops.config.yml')),
        handlerAssetDir: tempDir(),
      }),
    ).toThrow(/handler\.mjs does not exist: run `npm run build` first/);
  });

  it('is reached through a Function URL without AWS auth (Slack signs its requests instead)', () => {
    example.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
  });

  it('logs to its own log group, kept a month', () => {
    const { id } = onlyResource(example.template, 'AWS::Logs::LogGroup');
    example.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/lambda-chatops',
      RetentionInDays: 30,
    });
    example.template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: id } },
    });
  });

  it('raises an alarm when it throws', () => {
    example.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the outputs', () => {
  it('are the Function URL, the table name and the secret ARN', () => {
    const { id: urlId } = onlyResource(example.template, 'AWS::Lambda::Url');
    const outputs = example.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(['AuditTableName', 'FunctionUrl', 'SlackSecretArn']);
    expect(outputs.FunctionUrl?.Value).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
    expect(outputs.AuditTableName?.Value).toEqual({ Ref: tableId });
    expect(outputs.SlackSecretArn?.Value).toEqual({ Ref: secretId });
  });
});

describe('the IAM policy of the example configuration', () => {
  it('is these statements and nothing else', () => {
    const table = `\${${tableId}.Arn}`;
    const managed = [
      arn('orders-service'),
      `${arn('orders-service')}:*`,
      arn('payments-service'),
      `${arn('payments-service')}:*`,
    ];
    const logGroup = `\${${onlyResource(example.template, 'AWS::Logs::LogGroup').id}.Arn}`;
    const allow = (sid: string, actions: string[], resources: string[]) => ({
      sid,
      effect: 'Allow',
      actions: actions.sort(),
      resources: resources.sort(),
    });
    expect(statements).toEqual([
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
      allow('PromoteManagedFunctionAliases', ['lambda:UpdateAlias'], managed),
      allow('InvokeSelfForSlowWork', ['lambda:InvokeFunction'], [arn('lambda-chatops')]),
      allow('PutAndGetAuditItems', ['dynamodb:GetItem', 'dynamodb:PutItem'], [table]),
      allow(
        'QueryAuditTable',
        ['dynamodb:Query'],
        [table, ...Object.values(TABLE_SCHEMA.indexes).map((index) => `${table}/index/${index.name}`)],
      ),
      allow('ReadSlackSecret', ['secretsmanager:GetSecretValue'], [`\${${secretId}}`]),
      allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup]),
    ]);
  });

  it('belongs to one role with no managed policies (AWSLambdaBasicExecutionRole writes any log group)', () => {
    const { resource } = onlyResource(example.template, 'AWS::IAM::Role');
    expect((resource.Properties as Record<string, unknown>).ManagedPolicyArns).toBeUndefined();
  });

  it('has no wildcard action, and no `*` resource for any lambda or dynamodb action', () => {
    for (const statement of statements) {
      for (const action of statement.actions) expect(action).not.toMatch(/\*/);
      if (statement.actions.some((action) => /^(lambda|dynamodb):/.test(action))) {
        expect(statement.resources).not.toContain('*');
      }
    }
  });

  it('updates aliases of the configured functions only', () => {
    expect(resourcesFor(statements, 'lambda:UpdateAlias')).toEqual([
      arn('orders-service'),
      `${arn('orders-service')}:*`,
      arn('payments-service'),
      `${arn('payments-service')}:*`,
    ]);
  });

  it('invokes only the bot itself, never deletes or scans the table', () => {
    expect(resourcesFor(statements, 'lambda:InvokeFunction')).toEqual([arn('lambda-chatops')]);
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

  it('allows every AWS API call the bot’s code makes', () => {
    const allowed = new Set(statements.flatMap((statement) => statement.actions));
    const calls = awsCallsInSource();
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
      expect(resourcesFor(statementsOfOther, action)).toEqual(expected);
    }
    expect(JSON.stringify(statementsOfOther)).not.toContain('orders-service');
  });

  it('invokes the function by its overridden name', () => {
    expect(resourcesFor(statementsOfOther, 'lambda:InvokeFunction')).toEqual([arn('team-chatops')]);
  });
});

describe('readDeploySettings', () => {
  const none = () => undefined;

  it('defaults to chatops.config.yml and the function lambda-chatops', () => {
    expect(readDeploySettings(none, {})).toEqual({
      configPath: 'chatops.config.yml',
      functionName: 'lambda-chatops',
    });
  });

  it('takes the configuration from context `config`, else CHATOPS_CONFIG, like the build', () => {
    const context = (key: string) => ({ config: 'prod.yml', functionName: 'ops-bot' })[key];
    expect(readDeploySettings(context, { CHATOPS_CONFIG: 'env.yml' })).toEqual({
      configPath: 'prod.yml',
      functionName: 'ops-bot',
    });
    expect(readDeploySettings(none, { CHATOPS_CONFIG: 'env.yml' }).configPath).toBe('env.yml');
  });

  it.each(['1bot', 'with_underscore', 'x'.repeat(65), ''])('refuses the function name %j', (name) => {
    expect(() => readDeploySettings((key) => (key === 'functionName' ? name : undefined), {})).toThrow(
      /functionName/,
    );
  });
});

/** Every `XCommand` the bot imports from an AWS SDK client, as the IAM action it needs. */
function awsCallsInSource(): { action: string; file: string }[] {
  const prefixes: Record<string, string> = {
    dynamodb: 'dynamodb',
    lambda: 'lambda',
    'secrets-manager': 'secretsmanager',
  };
  // The API operation and the IAM action mostly share a name; these are the exceptions we use.
  const renamed: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
  const calls: { action: string; file: string }[] = [];
  const importFromClient = /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/client-([a-z-]+)'/g;
  for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
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

/** src/**\/*.ts except src/local: the sandbox's stand-ins run on the developer's machine, not on Lambda. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(REPO_ROOT, 'src', 'local') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
