// cdk-nag's AWS Solutions and Serverless packs on the stack (DESIGN.md section 9): synthesis with
// both packs as validation plugins must pass, so every finding is either fixed in the stack or
// acknowledged, finding by finding, with its reason in infra/lib/nag-acknowledgements.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, App as CdkApp, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatopsStack } from '../../infra/lib/chatops-stack';
import { qualifiedArnFinding } from '../../infra/lib/nag-acknowledgements';
import { TargetStack } from '../../infra/lib/target-stack';
import { loadConfigFile } from '../../src/config';
import { REPO_ROOT, removeTempDirs, tempDir } from './files';
import { synthesize } from './synth';

afterAll(removeTempDirs);

/** Two syntheses and two packs per case; the first also loads CDK's modules. */
const NAG_TIMEOUT_MS = 90_000;

const exampleConfig = () => loadConfigFile(join(REPO_ROOT, 'chatops.config.yml'));

/** Every finding the packs report on the app, as `Rule[finding] at construct/path`. */
function findings(app: App): string[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  return packs.flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
        ),
      ),
  );
}

/** Synthesizes with both packs as validation plugins, as `Validations.of(app)` runs them. */
function synthesizeWithNag(config = exampleConfig(), change?: (stack: ChatopsStack) => void) {
  let found: string[] = [];
  const synthesis = () =>
    synthesize({ config }, (app, stack) => {
      change?.(stack);
      found = findings(app);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    });
  return { synthesis, found: () => found };
}

describe('cdk-nag: AwsSolutionsChecks and ServerlessChecks', () => {
  it(
    'leave no finding, error or warning, unacknowledged on the example configuration',
    () => {
      const run = synthesizeWithNag();

      expect(run.synthesis).not.toThrow();
      expect(run.found()).toEqual([]);
    },
    NAG_TIMEOUT_MS,
  );

  it(
    'leave none on a configuration with functions in another account, by ARN and by account key',
    () => {
      const file = join(tempDir(), 'other.config.yml');
      writeFileSync(
        file,
        [
          'functions:',
          '  billing: { functionName: "arn:aws:lambda:eu-west-1:210987654321:function:billing" }',
          '  stock: { functionName: stock-service, account: "210987654321", region: us-west-2 }',
          '  search: {}',
          'accounts:',
          "  '210987654321': { externalId: acme-7f3k }",
        ].join('\n'),
      );
      const run = synthesizeWithNag(loadConfigFile(file));

      expect(run.synthesis).not.toThrow();
      expect(run.found()).toEqual([]);
    },
    NAG_TIMEOUT_MS,
  );

  it(
    'still report a wildcard nobody acknowledged: the acknowledgements are finding by finding',
    () => {
      const run = synthesizeWithNag(exampleConfig(), (stack) => {
        stack.handler.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['lambda:GetAlias'],
            resources: ['arn:aws:lambda:us-east-1:123456789012:function:*'],
          }),
        );
      });

      expect(run.synthesis).toThrow(/AwsSolutions-IAM5/);
      expect(run.found()).toEqual([
        'error AwsSolutions-IAM5[Resource::arn:aws:lambda:us-east-1:123456789012:function:*] at LambdaChatops/Role/DefaultPolicy/Resource',
      ]);
    },
    NAG_TIMEOUT_MS,
  );
});

describe('qualifiedArnFinding', () => {
  it.each([
    [
      'orders-service',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:orders-service:*]',
    ],
    [
      'arn:aws:lambda:eu-west-1:210987654321:function:billing',
      'AwsSolutions-IAM5[Resource::arn:aws:lambda:eu-west-1:210987654321:function:billing:*]',
    ],
  ])('names %s as cdk-nag does', (name, finding) => {
    expect(qualifiedArnFinding(name)).toBe(finding);
  });
});

describe('cdk-nag on LambdaChatopsTarget', () => {
  it(
    'leaves no finding unacknowledged on the roles of another account',
    () => {
      const app = new CdkApp();
      new TargetStack(app, 'LambdaChatopsTarget', {
        botFunctionName: 'lambda-chatops',
        functionNames: ['inventory-service', 'stock-service'],
        regions: ['eu-west-1', 'us-west-2'],
        externalId: 'acme-7f3k',
      });

      const found = findings(app);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

      expect(found).toEqual([]);
      expect(() => app.synth()).not.toThrow();
    },
    NAG_TIMEOUT_MS,
  );
});
