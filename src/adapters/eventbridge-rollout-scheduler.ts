// RolloutScheduler over EventBridge Scheduler (DESIGN.md section 3a), in the worker only: one
// one-time schedule per tick, `at(...)` in UTC, deleted by Scheduler once it has run, targeting
// the worker itself with the tick as its Input. The schedule's name is derived from the tick, so
// a retried CreateSchedule (a lost answer, Lambda delivering the same event twice) finds the
// name taken (ConflictException) and counts as done: a tick is scheduled at most once.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Tick } from '../domain/rollout';
import type { RolloutScheduler } from '../ports';
import { TASK_MARKER, type TaskEvent } from './task-event';

export interface RolloutSchedulerSettings {
  groupName: string;
  /** The role Scheduler assumes to invoke the worker. */
  roleArn: string;
  /** The worker's own ARN (the invocation context's invokedFunctionArn). */
  targetArn: string;
}

export class EventBridgeRolloutScheduler implements RolloutScheduler {
  constructor(
    private readonly settings: RolloutSchedulerSettings,
    private readonly client: SchedulerClient = new SchedulerClient({}),
  ) {}

  async schedule(tick: Tick, at: Date, variant?: string): Promise<void> {
    const name = scheduleName(tick, variant);
    const event: TaskEvent = { source: TASK_MARKER, task: { kind: 'rollout.tick', ...tick } };
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.settings.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description: `lambda-chatops rollout ${tick.requestId}, step ${tick.step}`,
          Target: {
            Arn: this.settings.targetArn,
            RoleArn: this.settings.roleArn,
            Input: JSON.stringify(event),
          },
          // The SDK's own retry of this call is then the same request to Scheduler, not a second one.
          ClientToken: name,
        }),
      );
    } catch (error) {
      // The name is the tick's: taken means this tick is already scheduled (or has fired).
      if (error instanceof ConflictException) return;
      throw error;
    }
  }

  async cancel(tick: Tick): Promise<void> {
    try {
      await this.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(tick), GroupName: this.settings.groupName }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
  }
}

/** Where the worker cannot schedule (its settings missing): every rollout step pauses, saying why. */
export class UnconfiguredScheduler implements RolloutScheduler {
  constructor(private readonly why: string) {}

  schedule(): Promise<void> {
    return Promise.reject(new SchedulerNotConfiguredError(`No rollout timer: ${this.why}.`));
  }

  cancel(): Promise<void> {
    return Promise.resolve();
  }
}

export class SchedulerNotConfiguredError extends Error {
  override name = 'SchedulerNotConfigured';
}

/** `R0123456789-s2-e1`: at most 64 characters of [0-9a-zA-Z-_.], as Scheduler requires. */
export function scheduleName(tick: Tick, variant?: string): string {
  return `${tick.requestId}-s${tick.step}-e${tick.extension}${variant ? `-${variant}` : ''}`;
}

/** `at(2026-11-28T23:10:05)`: Scheduler's one-time expression, read in ScheduleExpressionTimezone. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}
