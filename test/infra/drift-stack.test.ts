// The stack's heartbeat and drift resources (DESIGN.md section 3b, issue 14): the recurring
// schedule that invokes the worker, the role Scheduler assumes for it, and with `driftEvents` the
// EventBridge rule that sends CloudTrail's alias calls to the worker.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeploySettings } from '../../infra/lib/deploy-settings';
import { loadConfigFile } from '../../src/config';
import { REPO_ROOT, removeTempDirs } from './files';
import {
  identityStatements,
  onlyResource,
  render,
  resourceById,
  type Synthesized,
  synthesize,
} from './synth';

const config = () => loadConfigFile(join(REPO_ROOT, 'chatops.config.yml'));
// The worker's ARN as the template renders it (synth.ts `render`).
const workerArn = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:lambda-chatops-worker`;

let plain: Synthesized;
let withEvents: Synthesized;

// Synthesis is CPU-bound: under a loaded test run it can take well over the default hook timeout.
const SYNTH_TIMEOUT_MS = 120_000;

beforeAll(() => {
  // The example configuration leaves drift off: the heartbeat must be there all the same.
  expect(config().drift).toBeUndefined();
  plain = synthesize({ config: config() });
}, SYNTH_TIMEOUT_MS);
beforeAll(() => {
  withEvents = synthesize({
    config: { ...config(), drift: { everyMs: 15 * 60_000, channel: 'C0RELEASES' } },
    driftEvents: true,
  });
}, SYNTH_TIMEOUT_MS);
afterAll(removeTempDirs);

describe('the heartbeat', () => {
  it('is one recurring schedule, every 5 minutes, invoking the worker with {"kind": "heartbeat"}', () => {
    const { resource } = onlyResource(plain.template, 'AWS::Scheduler::Schedule');
    const props = resource.Properties as Record<string, unknown>;
    const target = props.Target as Record<string, unknown>;
    const worker = resourceById(plain.template, 'AWS::Lambda::Function', 'Worker').id;
    const role = resourceById(plain.template, 'AWS::IAM::Role', 'SchedulerRole').id;
    expect(props.ScheduleExpression).toBe('rate(5 minutes)');
    expect(props.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(props.State).toBe('ENABLED');
    expect(render(target.Arn)).toBe(`\${${worker}.Arn}`);
    expect(render(target.RoleArn)).toBe(`\${${role}.Arn}`);
    expect(JSON.parse(target.Input as string)).toEqual({ kind: 'heartbeat' });
  });

  it('is there whatever the configuration: drift and auto-promotion periods are read at run time', () => {
    for (const { template } of [plain, withEvents]) {
      expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(1);
    }
  });

  it('runs as a role only Scheduler of this account may assume, that may invoke the worker and nothing else', () => {
    const { id, resource } = resourceById(plain.template, 'AWS::IAM::Role', 'SchedulerRole');
    const trust = (resource.Properties as { AssumeRolePolicyDocument: { Statement: unknown[] } })
      .AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect((resource.Properties as { ManagedPolicyArns?: unknown }).ManagedPolicyArns).toBeUndefined();
    expect(identityStatements(plain.template, id)).toEqual([
      { sid: 'InvokeWorker', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [workerArn] },
    ]);
  });
});

describe('CloudTrail alias calls (`-c driftEvents=true`)', () => {
  it('are not sent anywhere by default', () => {
    expect(plain.template.findResources('AWS::Events::Rule')).toEqual({});
  });

  it('reach the worker through a rule on the three alias calls, with the failed-work queue behind it', () => {
    const { id, resource } = onlyResource(withEvents.template, 'AWS::Events::Rule');
    const props = resource.Properties as Record<string, unknown>;
    expect(props.EventPattern).toEqual({
      source: ['aws.lambda'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['lambda.amazonaws.com'],
        eventName: ['CreateAlias20150331', 'UpdateAlias20150331', 'DeleteAlias20150331'],
      },
    });
    const targets = props.Targets as Record<string, unknown>[];
    const worker = resourceById(withEvents.template, 'AWS::Lambda::Function', 'Worker').id;
    const queue = onlyResource(withEvents.template, 'AWS::SQS::Queue').id;
    expect(targets).toHaveLength(1);
    expect(render(targets[0]?.Arn)).toBe(`\${${worker}.Arn}`);
    expect(render((targets[0]?.DeadLetterConfig as { Arn: unknown } | undefined)?.Arn)).toBe(
      `\${${queue}.Arn}`,
    );

    // EventBridge may invoke the worker only for this rule.
    const permissions = Object.values(withEvents.template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal === 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(render(permissions[0]?.Properties.FunctionName)).toBe(`\${${worker}.Arn}`);
    expect(render(permissions[0]?.Properties.SourceArn)).toBe(`\${${id}.Arn}`);
    expect(permissions[0]?.Properties.Action).toBe('lambda:InvokeFunction');
  });

  it('add no permission to the bot’s own roles', () => {
    const roles = ['Role', 'WorkerRole'];
    for (const role of roles) {
      const before = identityStatements(
        plain.template,
        resourceById(plain.template, 'AWS::IAM::Role', role).id,
      );
      const after = identityStatements(
        withEvents.template,
        resourceById(withEvents.template, 'AWS::IAM::Role', role).id,
      );
      expect(after).toEqual(before);
    }
  });

  it.each([
    ['true', true],
    [true, true],
    ['false', false],
    [undefined, false],
  ])('context driftEvents=%j reads as %j', (value, expected) => {
    expect(readDeploySettings((key) => (key === 'driftEvents' ? value : undefined), {}).driftEvents).toBe(
      expected,
    );
  });

  it('refuses a driftEvents that is neither true nor false', () => {
    expect(() => readDeploySettings((key) => (key === 'driftEvents' ? 'yes' : undefined), {})).toThrow(
      'context driftEvents must be true or false',
    );
  });
});
