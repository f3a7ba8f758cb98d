// cdk-nag findings on the stack that are acknowledged rather than fixed, each with the reason a
// reviewer needs (test/infra/nag.test.ts runs the AwsSolutions and Serverless packs and fails on
// anything neither fixed nor listed here). Findings are acknowledged one by one where cdk-nag
// names them (`Rule[finding]`), so a new wildcard or a new resource is reported again.
import { Validations } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ChatopsConfig } from '../../src/domain/model';
import type { BotFunction } from './chatops-stack';

export interface NagSubjects {
  config: ChatopsConfig;
  handler: BotFunction;
  worker: BotFunction;
  slackSecret: secretsmanager.CfnSecret;
  failedWork: sqs.Queue;
  /** The worker's own schedule group (rollout steps). */
  scheduleGroupName: string;
}

/** cdk-nag's rendering of a configured function's `<arn>:*`, as it names the IAM5 finding. */
export function qualifiedArnFinding(functionName: string): string {
  const arn = functionName.startsWith('arn:')
    ? functionName
    : `arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:${functionName}`;
  return `AwsSolutions-IAM5[Resource::${arn}:*]`;
}

export function acknowledgeNagFindings(subjects: NagSubjects): void {
  const names = new Set(Object.values(subjects.config.functions).map((fn) => fn.functionName));
  for (const { role } of [subjects.handler, subjects.worker]) {
    for (const name of names) {
      Validations.of(role).acknowledge({
        id: qualifiedArnFinding(name),
        reason:
          `function:${name}:* is this one configured function's versions and aliases, not a wildcard over ` +
          'functions: GetAlias, UpdateAlias and GetFunctionConfiguration with a qualifier are authorised ' +
          'against the qualified ARN (function:name:alias or :version), and which aliases and versions ' +
          'exist changes with every release.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Active tracing's xray:PutTraceSegments and xray:PutTelemetryRecords (added by CDK): X-Ray " +
        'supports no resource-level permissions for them. They only write traces.' +
        (role === subjects.worker.role
          ? " And the worker's cloudwatch:GetMetricData (a rollout step's metrics): IAM accepts no " +
            'resource for it but `*`; it only reads.'
          : ''),
    });
  }

  Validations.of(subjects.worker.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${subjects.scheduleGroupName}/*]`,
    reason:
      "The schedules of the worker's own group only: one one-time schedule per rollout step, named " +
      'after the request and the step, so the names are not known before the rollouts exist.',
  });
  Validations.of(subjects.worker.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]',
    reason:
      "cloudwatch:DescribeAlarms, read only, for the alarms a rollout's guard names: the configuration " +
      'read at run time (CHATOPS_CONFIG) may name other alarms than the one the stack was synthesised with.',
  });

  Validations.of(subjects.slackSecret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The secret holds the Slack signing secret and bot token, which only Slack issues: they are ' +
      "regenerated in the Slack app's settings, and no rotation function could do it for Secrets " +
      "Manager. The manifest turns Slack's own token rotation off (rotating tokens expire every 12 " +
      'hours and need an OAuth refresh the bot does not run). README "Deploying to AWS" says how to ' +
      'rotate by hand.',
  });

  for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(subjects.failedWork).acknowledge({
      id,
      reason:
        "This queue is itself the end of the line: the worker's on-failure destination, where Lambda " +
        'puts an event after its retries. Nothing consumes it, so nothing can fail to process its ' +
        'messages and need a dead-letter queue of its own; its alarm fires on the first message.',
    });
  }

  Validations.of(subjects.handler.fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'The Slack-facing function is only invoked synchronously, through its Function URL: Lambda ' +
      'sends nothing to a dead-letter queue for synchronous invocations, and Slack itself retries.',
  });
  Validations.of(subjects.worker.fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'The worker has an on-failure destination instead (EventInvokeConfig: two retries, then the ' +
      'FailedWork queue and its alarm), which AWS recommends over a dead-letter queue: the record ' +
      'carries the error and the request context too.',
  });
}

/** The LambdaChatopsTarget roles' findings: the same two kinds as the bot's own roles. */
export function acknowledgeTargetNagFindings(
  reader: Construct,
  promoter: Construct,
  target: { functionNames: string[]; regions: string[] },
): void {
  for (const role of [reader, promoter]) {
    for (const region of target.regions) {
      for (const name of target.functionNames) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${region}:<AWS::AccountId>:function:${name}:*]`,
          reason:
            `function:${name}:* is this one function's versions and aliases in ${region}, not a wildcard over ` +
            'functions: reads and UpdateAlias with a qualifier are authorised against the qualified ARN.',
        });
      }
    }
  }
  Validations.of(reader).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "cloudwatch:GetMetricData, read only, for a rollout's judgement of the function's new version: " +
      'IAM accepts no resource for it but `*`.',
  });
  for (const region of target.regions) {
    Validations.of(reader).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:${region}:<AWS::AccountId>:alarm:*]`,
      reason:
        "cloudwatch:DescribeAlarms, read only, for the alarms a rollout's guard names: the configuration " +
        'read at run time may name other alarms than the one this stack was synthesised with.',
    });
  }
}
