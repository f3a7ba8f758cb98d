import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  SchedulerClient,
  type SchedulerClientConfig,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SchedulerStandIn, type TargetInvocation } from '../../src/local/stand-ins/scheduler';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
const WORKER = 'arn:aws:lambda:us-east-1:123456789012:function:chatops-worker';
const ROLE = 'arn:aws:iam::123456789012:role/chatops-scheduler';
const T0 = Date.parse('2026-12-01T09:00:00Z');

let now = T0;
let scheduler: SchedulerStandIn;
let client: SchedulerClient;
let received: { input: string; invocation: TargetInvocation }[];
let failuresLeft: number;

beforeAll(async () => {
  scheduler = await SchedulerStandIn.start({ credentials: CREDENTIALS, clock: () => now });
  client = new SchedulerClient({
    endpoint: scheduler.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  scheduler.createScheduleGroup('chatops');
  scheduler.onTarget(WORKER, async (input, invocation) => {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error('worker throttled');
    }
    received.push({ input, invocation });
  });
});

afterAll(async () => {
  client.destroy();
  await scheduler.close();
});

beforeEach(() => {
  now = T0;
  received = [];
  failuresLeft = 0;
  scheduler.resetCalls();
  scheduler.clearSchedules();
});

let counter = 0;
function stepSchedule(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  counter += 1;
  return {
    Name: `rollout-step-${counter}`,
    GroupName: 'chatops',
    ScheduleExpression: 'at(2026-12-01T09:10:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: WORKER, RoleArn: ROLE, Input: JSON.stringify({ step: counter }) },
    ...overrides,
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

describe('CreateSchedule and GetSchedule', () => {
  it('creates a one-time schedule that GetSchedule returns as it was sent, with AWS defaults', async () => {
    // Prepare
    const input = stepSchedule({ Description: 'orders prod 10%' });

    // Act
    const created = await client.send(new CreateScheduleCommand(input));
    const got = await client.send(new GetScheduleCommand({ Name: input.Name, GroupName: 'chatops' }));

    // Assess
    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:us-east-1:123456789012:schedule/chatops/${input.Name}`,
    );
    expect(got).toMatchObject({
      Arn: created.ScheduleArn,
      Name: input.Name,
      GroupName: 'chatops',
      ScheduleExpression: 'at(2026-12-01T09:10:00)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Description: 'orders prod 10%',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: WORKER,
        RoleArn: ROLE,
        Input: input.Target?.Input,
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    });
    expect(got.CreationDate?.getTime()).toBe(T0);
    expect(scheduler.schedules('chatops').find((s) => s.name === input.Name)?.nextFireAt).toBe(
      Date.parse('2026-12-01T09:10:00Z'),
    );
  });

  it('reads at() in ScheduleExpressionTimezone (Paris is UTC+1 in December)', async () => {
    // Prepare
    const input = stepSchedule({ ScheduleExpressionTimezone: 'Europe/Paris' });

    // Act
    await client.send(new CreateScheduleCommand(input));

    // Assess
    const schedule = scheduler.schedules().find((s) => s.name === input.Name);
    expect(schedule?.nextFireAt).toBe(Date.parse('2026-12-01T08:10:00Z'));
  });

  it('puts a schedule without GroupName in the default group, which always exists', async () => {
    // Prepare
    const { GroupName: _omitted, ...input } = stepSchedule();

    // Act
    const created = await client.send(new CreateScheduleCommand(input));
    const group = await client.send(new GetScheduleGroupCommand({ Name: 'default' }));

    // Assess
    expect(created.ScheduleArn).toContain(':schedule/default/');
    expect(group).toMatchObject({ Name: 'default', State: 'ACTIVE' });
  });

  it('creates schedule groups, and refuses one that exists with 409', async () => {
    // Act
    const created = await client.send(new CreateScheduleGroupCommand({ Name: 'rollouts-2' }));
    const again = await failure(client.send(new CreateScheduleGroupCommand({ Name: 'rollouts-2' })));

    // Assess
    expect(created.ScheduleGroupArn).toBe(
      'arn:aws:scheduler:us-east-1:123456789012:schedule-group/rollouts-2',
    );
    expect(again.name).toBe('ConflictException');
    expect(again.$metadata.httpStatusCode).toBe(409);
  });
});

describe('strictness', () => {
  it('refuses an unsigned request with 403 MissingAuthenticationTokenException', async () => {
    // Act
    const response = await fetch(`${scheduler.url}/schedules/x?groupName=chatops`);

    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(scheduler.calls.at(-1)).toMatchObject({ operation: 'GetSchedule', status: 403 });
  });

  it('refuses a request signed for another service', async () => {
    // Prepare
    const other = new SchedulerClient({
      endpoint: scheduler.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      signingName: 'events',
    } as SchedulerClientConfig);

    // Act
    const error = await failure(other.send(new CreateScheduleCommand(stepSchedule())));
    other.destroy();

    // Assess
    expect(error.name).toBe('InvalidSignatureException');
    expect(scheduler.schedules()).not.toContainEqual(
      expect.objectContaining({ name: `rollout-step-${counter}` }),
    );
  });

  it('refuses an unknown group with 404 ResourceNotFoundException and creates nothing', async () => {
    // Prepare
    const input = stepSchedule({ GroupName: 'no-such-group' });

    // Act
    const error = await failure(client.send(new CreateScheduleCommand(input)));

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('Schedule group no-such-group does not exist.');
    expect(scheduler.schedules().map((s) => s.name)).not.toContain(input.Name);
  });

  it.each([
    ['a malformed at()', { ScheduleExpression: 'at(2026-12-01 09:10)' }],
    ['a date that does not exist', { ScheduleExpression: 'at(2026-02-30T09:10:00)' }],
    ['rate with a singular unit for 5', { ScheduleExpression: 'rate(5 minute)' }],
    ['rate with a plural unit for 1', { ScheduleExpression: 'rate(1 minutes)' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }],
    ['no FlexibleTimeWindow', { FlexibleTimeWindow: undefined }],
    ['a FLEXIBLE window without its size', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const } }],
    ['an unknown ActionAfterCompletion', { ActionAfterCompletion: 'ARCHIVE' as 'DELETE' }],
    ['a role that is not a role ARN', { Target: { Arn: WORKER, RoleArn: 'chatops-scheduler' } }],
    ['no RoleArn', { Target: { Arn: WORKER } as { Arn: string; RoleArn: string } }],
    [
      'more retries than AWS allows',
      { Target: { Arn: WORKER, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } },
    ],
    ['an empty Input', { Target: { Arn: WORKER, RoleArn: ROLE, Input: '' } }],
    ['a name with a slash', { Name: 'rollout/1' }],
  ])('refuses %s with 400 ValidationException and creates nothing', async (_case, overrides) => {
    // Prepare
    const input = stepSchedule(overrides);
    const before = scheduler.schedules().length;

    // Act
    const error = await failure(client.send(new CreateScheduleCommand(input)));

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(scheduler.schedules()).toHaveLength(before);
  });

  it('refuses a name already taken in the group with 409 ConflictException, keeping the first', async () => {
    // Prepare
    const first = stepSchedule();
    await client.send(new CreateScheduleCommand(first));

    // Act
    const error = await failure(
      client.send(new CreateScheduleCommand({ ...first, ScheduleExpression: 'at(2026-12-01T10:00:00)' })),
    );

    // Assess
    expect(error.name).toBe('ConflictException');
    expect(error.$metadata.httpStatusCode).toBe(409);
    const kept = await client.send(new GetScheduleCommand({ Name: first.Name, GroupName: 'chatops' }));
    expect(kept.ScheduleExpression).toBe('at(2026-12-01T09:10:00)');
  });

  it('answers 404 for GetSchedule and DeleteSchedule of a schedule that does not exist', async () => {
    // Act
    const got = await failure(client.send(new GetScheduleCommand({ Name: 'nothing', GroupName: 'chatops' })));
    const deleted = await failure(
      client.send(new DeleteScheduleCommand({ Name: 'nothing', GroupName: 'chatops' })),
    );

    // Assess
    expect([got.name, deleted.name]).toEqual(['ResourceNotFoundException', 'ResourceNotFoundException']);
    expect(got.message).toBe('Schedule nothing does not exist.');
  });
});

describe('firing', () => {
  it('fires a one-time schedule at its time, not before, then deletes it (ActionAfterCompletion DELETE)', async () => {
    // Prepare
    const input = stepSchedule();
    await client.send(new CreateScheduleCommand(input));

    // Act
    const early = await scheduler.fireDue(Date.parse('2026-12-01T09:09:59Z'));
    const onTime = await scheduler.fireDue(Date.parse('2026-12-01T09:10:00Z'));

    // Assess
    expect(early).toEqual([]);
    expect(onTime).toMatchObject([{ scheduleName: input.Name, attempt: 1, outcome: 'succeeded' }]);
    expect(received.map((r) => r.input)).toEqual([input.Target?.Input]);
    expect(received[0]?.invocation.scheduledAt).toBe(Date.parse('2026-12-01T09:10:00Z'));
    const gone = await failure(
      client.send(new GetScheduleCommand({ Name: input.Name, GroupName: 'chatops' })),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  it('keeps a fired one-time schedule with ActionAfterCompletion NONE, and never fires it again', async () => {
    // Prepare
    const input = stepSchedule({ ActionAfterCompletion: 'NONE' });
    await client.send(new CreateScheduleCommand(input));

    // Act
    await scheduler.fireDue(Date.parse('2026-12-01T09:10:00Z'));
    await scheduler.fireDue(Date.parse('2026-12-01T12:00:00Z'));

    // Assess
    expect(received).toHaveLength(1);
    const kept = await client.send(new GetScheduleCommand({ Name: input.Name, GroupName: 'chatops' }));
    expect(kept.Name).toBe(input.Name);
  });

  it('does not fire a deleted schedule', async () => {
    // Prepare
    const input = stepSchedule();
    await client.send(new CreateScheduleCommand(input));

    // Act
    await client.send(new DeleteScheduleCommand({ Name: input.Name, GroupName: 'chatops' }));
    await scheduler.fireDue(Date.parse('2026-12-01T09:10:00Z'));

    // Assess
    expect(received).toEqual([]);
  });

  it('retries a failing target with backoff per its RetryPolicy, then deletes the schedule', async () => {
    // Prepare
    const input = stepSchedule({
      Target: { Arn: WORKER, RoleArn: ROLE, Input: '{"tick":1}', RetryPolicy: { MaximumRetryAttempts: 2 } },
    });
    await client.send(new CreateScheduleCommand(input));
    failuresLeft = 2;
    const at = Date.parse('2026-12-01T09:10:00Z');

    // Act
    const first = await scheduler.fireDue(at);
    const tooSoon = await scheduler.fireDue(at + 999);
    const second = await scheduler.fireDue(at + 1000);
    const third = await scheduler.fireDue(at + 3000);

    // Assess
    expect(first).toMatchObject([{ attempt: 1, outcome: 'failed', error: 'worker throttled' }]);
    expect(tooSoon).toEqual([]);
    expect(second).toMatchObject([{ attempt: 2, outcome: 'failed' }]);
    expect(third).toMatchObject([{ attempt: 3, outcome: 'succeeded', scheduledAt: at }]);
    expect(received.map((r) => r.invocation.attempt)).toEqual([3]);
    expect(scheduler.deadLetters).toEqual([]);
    expect(scheduler.schedules().map((s) => s.name)).not.toContain(input.Name);
  });

  it('gives up after MaximumRetryAttempts: a dead letter, and the schedule is still deleted', async () => {
    // Prepare
    const input = stepSchedule({
      Target: {
        Arn: WORKER,
        RoleArn: ROLE,
        Input: '{"tick":2}',
        RetryPolicy: { MaximumRetryAttempts: 1 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:chatops-dlq' },
      },
    });
    await client.send(new CreateScheduleCommand(input));
    failuresLeft = 5;
    const at = Date.parse('2026-12-01T09:10:00Z');

    // Act
    await scheduler.fireDue(at);
    await scheduler.fireDue(at + 60_000);
    await scheduler.fireDue(at + 600_000);

    // Assess
    expect(scheduler.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed']);
    expect(scheduler.deadLetters).toMatchObject([
      {
        scheduleName: input.Name,
        attempts: 2,
        input: '{"tick":2}',
        deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:chatops-dlq',
        lastError: 'worker throttled',
      },
    ]);
    const gone = await failure(
      client.send(new GetScheduleCommand({ Name: input.Name, GroupName: 'chatops' })),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  it('caps AWS default of 185 retries at the stand-in maxRetryAttempts (3)', async () => {
    // Prepare
    const input = stepSchedule();
    await client.send(new CreateScheduleCommand(input));
    failuresLeft = 100;
    const at = Date.parse('2026-12-01T09:10:00Z');

    // Act
    for (let minute = 0; minute < 10; minute += 1) await scheduler.fireDue(at + minute * 60_000);

    // Assess
    expect(scheduler.attempts).toHaveLength(4);
    expect(scheduler.deadLetters).toHaveLength(1);
  });

  it('fires a rate(5 minutes) schedule every 5 minutes from its creation, and keeps it', async () => {
    // Prepare
    const input = stepSchedule({
      Name: 'heartbeat',
      ScheduleExpression: 'rate(5 minutes)',
      ActionAfterCompletion: undefined,
    });
    await client.send(new CreateScheduleCommand(input));

    // Act
    await scheduler.fireDue(T0 + 14 * 60_000);

    // Assess
    expect(received.map((r) => r.invocation.scheduledAt)).toEqual([T0, T0 + 5 * 60_000, T0 + 10 * 60_000]);
    expect(scheduler.schedules().find((s) => s.name === 'heartbeat')?.nextFireAt).toBe(T0 + 15 * 60_000);
    await client.send(new DeleteScheduleCommand({ Name: 'heartbeat', GroupName: 'chatops' }));
  });

  it('fires in real time once ticking is started', async () => {
    // Prepare
    const realTime = await SchedulerStandIn.start({ credentials: CREDENTIALS });
    const fired: string[] = [];
    realTime.onTarget(WORKER, async (input) => {
      fired.push(input);
    });
    const realClient = new SchedulerClient({
      endpoint: realTime.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    const soon = new Date(Date.now() + 1000).toISOString().slice(0, 19);

    // Act
    await realClient.send(
      new CreateScheduleCommand({
        ...stepSchedule(),
        GroupName: undefined,
        ScheduleExpression: `at(${soon})`,
      }),
    );
    realTime.startTicking(50);
    await expect.poll(() => fired.length, { timeout: 3000 }).toBe(1);

    // Assess
    expect(realTime.schedules()).toEqual([]);
    realClient.destroy();
    await realTime.close();
  });
});

describe('fault injection', () => {
  it('throttles with 429 ThrottlingException, which the SDK retries', async () => {
    // Prepare
    const retrying = new SchedulerClient({
      endpoint: scheduler.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 3,
    });
    scheduler.failNext('CreateSchedule', {
      status: 429,
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    const input = stepSchedule();

    // Act
    const created = await retrying.send(new CreateScheduleCommand(input));
    retrying.destroy();

    // Assess
    expect(created.ScheduleArn).toContain(input.Name);
    expect(scheduler.calls.map((c) => [c.operation, c.status])).toEqual([
      ['CreateSchedule', 429],
      ['CreateSchedule', 200],
    ]);
  });

  it('answers a 500 InternalServerException the caller sees when it does not retry', async () => {
    // Prepare
    scheduler.failNext('DeleteSchedule', { status: 500, name: 'InternalServerException', message: 'oops' });

    // Act
    const error = await failure(
      client.send(new DeleteScheduleCommand({ Name: 'any', GroupName: 'chatops' })),
    );

    // Assess
    expect(error.name).toBe('InternalServerException');
    expect(error.$metadata.httpStatusCode).toBe(500);
  });

  it('loses the answer of an applied CreateSchedule: the SDK retry with the same ClientToken succeeds', async () => {
    // Prepare
    const retrying = new SchedulerClient({
      endpoint: scheduler.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 2,
    });
    scheduler.failNext('CreateSchedule', { answerLost: true });
    const input = stepSchedule();

    // Act
    const created = await retrying.send(new CreateScheduleCommand(input));
    retrying.destroy();

    // Assess
    expect(created.ScheduleArn).toContain(input.Name);
    expect(scheduler.calls.filter((c) => c.operation === 'CreateSchedule')).toHaveLength(2);
    expect(scheduler.schedules().filter((s) => s.name === input.Name)).toHaveLength(1);
  });

  it('loses the answer without a retry: the caller gets an error although the schedule exists', async () => {
    // Prepare
    scheduler.failNext('CreateSchedule', { answerLost: true });
    const input = stepSchedule();

    // Act
    const error = await failure(client.send(new CreateScheduleCommand(input)));
    const again = await failure(client.send(new CreateScheduleCommand(input)));

    // Assess
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(scheduler.schedules().map((s) => s.name)).toContain(input.Name);
    // A new request (new ClientToken) for the same name is a conflict the caller must treat as done.
    expect(again.name).toBe('ConflictException');
  });

  it('loses the answer of an applied DeleteSchedule: the SDK retry (same ClientToken) succeeds', async () => {
    // Prepare
    const input = stepSchedule();
    await client.send(new CreateScheduleCommand(input));
    const retrying = new SchedulerClient({
      endpoint: scheduler.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 2,
    });
    scheduler.failNext('DeleteSchedule', { answerLost: true });

    // Act
    await retrying.send(new DeleteScheduleCommand({ Name: input.Name, GroupName: 'chatops' }));
    retrying.destroy();
    const anew = await failure(
      client.send(new DeleteScheduleCommand({ Name: input.Name, GroupName: 'chatops' })),
    );

    // Assess
    expect(
      scheduler.calls.filter((c) => c.operation === 'DeleteSchedule').map((c) => [c.groupName, c.status]),
    ).toEqual([
      ['chatops', 200],
      ['chatops', 200],
      ['chatops', 404],
    ]);
    // A new DeleteSchedule (new ClientToken) of the deleted schedule is a 404 the caller must accept.
    expect(anew.name).toBe('ResourceNotFoundException');
    expect(scheduler.schedules().map((s) => s.name)).not.toContain(input.Name);
  });

  it('records each call with its operation, schedule, group and status', async () => {
    // Prepare
    const input = stepSchedule();

    // Act
    await client.send(new CreateScheduleCommand(input));
    await client.send(new GetScheduleCommand({ Name: input.Name, GroupName: 'chatops' }));

    // Assess
    expect(
      scheduler.calls.map(({ operation, name, groupName, status }) => ({
        operation,
        name,
        groupName,
        status,
      })),
    ).toEqual([
      { operation: 'CreateSchedule', name: input.Name, groupName: 'chatops', status: 200 },
      { operation: 'GetSchedule', name: input.Name, groupName: 'chatops', status: 200 },
    ]);
  });

  it('refuses to inject a fault into an operation it does not serve', () => {
    expect(() => scheduler.failNext('UpdateSchedule' as 'CreateSchedule', { answerLost: true })).toThrow(
      /unknown operation UpdateSchedule/,
    );
  });
});
