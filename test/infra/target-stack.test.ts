// Functions in other accounts (issue 11): the LambdaChatopsTarget stack's two roles, and what the
// bot's own stack may assume, from the synthesized templates.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSettings } from '../../infra/lib/target-settings';
import { TargetStack } from '../../infra/lib/target-stack';
import { parseConfig } from '../../src/config';
import { removeTempDirs } from './files';
import { identityStatements, resourceById, synthesize } from './synth';

afterAll(removeTempDirs);

const TARGET = '222222222222';
const CONFIG = `
functions:
  orders: { functionName: orders-service, stages: [dev, prod] }
  inventory: { functionName: "arn:aws:lambda:eu-west-1:${TARGET}:function:inventory-service", stages: [dev, prod] }
  stock: { functionName: stock-service, account: "${TARGET}", region: us-west-2 }
accounts:
  '${TARGET}': { externalId: acme-7f3k }
`;

function target(props: { externalId?: string } = {}) {
  const app = new App();
  const stack = new TargetStack(app, 'LambdaChatopsTarget', {
    botFunctionName: 'lambda-chatops',
    functionNames: ['inventory-service', 'stock-service'],
    regions: ['eu-west-1', 'us-west-2'],
    ...props,
  });
  return Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
}

const roleNamed = (template: ReturnType<typeof target>, name: string) => {
  const found = Object.entries(template.Resources).find(
    ([, resource]) => resource.Type === 'AWS::IAM::Role' && resource.Properties.RoleName === name,
  );
  if (!found) throw new Error(`no role ${name}`);
  return { id: found[0], properties: found[1].Properties };
};
type Trust = {
  Statement: { Action: string; Principal: unknown; Condition: Record<string, Record<string, unknown>> }[];
};
const botRole = (suffix: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'BotAccountId' }, `:role/lambda-chatops-${suffix}`],
  ],
});
const botAccount = {
  AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'BotAccountId' }, ':root']] },
};

describe('the LambdaChatopsTarget stack', () => {
  // The first synthesis in a process loads aws-cdk-lib's modules (10 s alone, over the 20 s test
  // timeout when the whole suite shares two cores): done here, under the longer hook timeout.
  beforeAll(() => {
    target();
  });

  it('the reader is assumable by both of the bot’s roles, only with the external id, and may set the source identity', () => {
    const trust = roleNamed(target({ externalId: 'acme-7f3k' }), 'lambda-chatops-reader').properties
      .AssumeRolePolicyDocument as Trust;

    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: botAccount,
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': [botRole('handler'), botRole('worker')] },
          StringEquals: { 'sts:ExternalId': 'acme-7f3k' },
        },
      },
      {
        Action: 'sts:SetSourceIdentity',
        Effect: 'Allow',
        Principal: botAccount,
        Condition: { ArnEquals: { 'aws:PrincipalArn': [botRole('handler'), botRole('worker')] } },
      },
    ]);
  });

  it('the promoter is assumable by the bot’s worker only', () => {
    const trust = roleNamed(target({ externalId: 'acme-7f3k' }), 'lambda-chatops-promoter').properties
      .AssumeRolePolicyDocument as Trust;

    for (const statement of trust.Statement) {
      expect(statement.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': [botRole('worker')] });
    }
  });

  it('has no wildcard principal, and no external id condition when none is configured', () => {
    const template = target();
    for (const name of ['lambda-chatops-reader', 'lambda-chatops-promoter']) {
      const trust = roleNamed(template, name).properties.AssumeRolePolicyDocument as Trust;
      for (const statement of trust.Statement) {
        expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
        expect(statement.Condition.StringEquals).toBeUndefined();
      }
    }
  });

  it('lets the reader read the named functions, metrics and alarms, and the promoter only UpdateAlias them', () => {
    const template = Template.fromStack(
      new TargetStack(new App(), 'T', {
        botFunctionName: 'lambda-chatops',
        functionNames: ['inventory-service'],
        regions: ['eu-west-1'],
      }),
    );
    const reader = roleNamed(template.toJSON() as ReturnType<typeof target>, 'lambda-chatops-reader').id;
    const promoter = roleNamed(template.toJSON() as ReturnType<typeof target>, 'lambda-chatops-promoter').id;
    const fn = `arn:\${AWS::Partition}:lambda:eu-west-1:\${AWS::AccountId}:function:inventory-service`;

    expect(identityStatements(template, reader)).toEqual([
      {
        sid: 'ReadManagedFunctions',
        effect: 'Allow',
        actions: [
          'lambda:GetAlias',
          'lambda:GetFunctionConfiguration',
          'lambda:ListAliases',
          'lambda:ListVersionsByFunction',
        ],
        resources: [fn, `${fn}:*`],
      },
      { sid: 'ReadRolloutMetrics', effect: 'Allow', actions: ['cloudwatch:GetMetricData'], resources: ['*'] },
      {
        sid: 'ReadRolloutAlarms',
        effect: 'Allow',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [`arn:\${AWS::Partition}:cloudwatch:eu-west-1:\${AWS::AccountId}:alarm:*`],
      },
    ]);
    expect(identityStatements(template, promoter)).toEqual([
      {
        sid: 'PromoteManagedFunctionAliases',
        effect: 'Allow',
        actions: ['lambda:UpdateAlias'],
        resources: [fn, `${fn}:*`],
      },
    ]);
  });
});

describe('targetSettings', () => {
  it('names the functions the configuration places in other accounts, with their external id', () => {
    expect(targetSettings(parseConfig(CONFIG, 'c.yml'), undefined)).toEqual({
      functionNames: ['inventory-service', 'stock-service'],
      regions: ['eu-west-1', 'us-west-2'],
      externalId: 'acme-7f3k',
    });
  });

  it('asks for the bot’s region when a function in another account has none', () => {
    const regionless = CONFIG.replace(
      'account: "222222222222", region: us-west-2',
      'account: "222222222222"',
    );
    expect(() => targetSettings(parseConfig(regionless, 'c.yml'), undefined)).toThrow(
      /-c botRegion=<region>/,
    );
    expect(targetSettings(parseConfig(regionless, 'c.yml'), undefined, 'eu-central-1')?.regions).toEqual([
      'eu-central-1',
      'eu-west-1',
    ]);
  });

  it('is undefined without other accounts, and refuses accounts with different external ids', () => {
    expect(targetSettings(parseConfig('functions:\n  orders: {}\n', 'c.yml'), undefined)).toBeUndefined();
    const two = `${CONFIG}  '333333333333': { externalId: other }\n`;
    expect(() => targetSettings(parseConfig(two, 'c.yml'), undefined)).toThrow(/-c targetAccount=<id>/);
    expect(targetSettings(parseConfig(two, 'c.yml'), TARGET)).toMatchObject({ externalId: 'acme-7f3k' });
  });
});

describe('the bot’s stack with other accounts', () => {
  const roleStatements = (config: string, role: 'Role' | 'WorkerRole') => {
    const { template } = synthesize({ config: parseConfig(config, 'c.yml') });
    return identityStatements(template, resourceById(template, 'AWS::IAM::Role', role).id).filter((s) =>
      s.actions.some((action) => action.startsWith('sts:')),
    );
  };
  const reader = `arn:aws:iam::${TARGET}:role/lambda-chatops-reader`;
  const promoter = `arn:aws:iam::${TARGET}:role/lambda-chatops-promoter`;
  const sts = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

  it('lets both functions assume the readers, and only the worker the promoters', () => {
    expect(roleStatements(CONFIG, 'Role')).toEqual([
      { sid: 'AssumeReaderRoles', effect: 'Allow', actions: sts, resources: [reader] },
    ]);
    expect(roleStatements(CONFIG, 'WorkerRole')).toEqual([
      { sid: 'AssumeReaderRoles', effect: 'Allow', actions: sts, resources: [reader] },
      { sid: 'AssumePromoterRoles', effect: 'Allow', actions: sts, resources: [promoter] },
    ]);
  });

  it('grants no STS at all without `accounts`', () => {
    const plain = 'functions:\n  orders: { functionName: orders-service }\n';
    expect(roleStatements(plain, 'Role')).toEqual([]);
    expect(roleStatements(plain, 'WorkerRole')).toEqual([]);
  });

  it('names its roles so that the target stack can trust exactly them', () => {
    const { template } = synthesize({ config: parseConfig(CONFIG, 'c.yml') });
    expect(resourceById(template, 'AWS::IAM::Role', 'Role').resource.Properties).toMatchObject({
      RoleName: 'lambda-chatops-handler',
    });
    expect(resourceById(template, 'AWS::IAM::Role', 'WorkerRole').resource.Properties).toMatchObject({
      RoleName: 'lambda-chatops-worker',
    });
  });
});
