// Fault injection shared by the Scheduler and CloudWatch stand-ins: a queue of faults per operation,
// consumed one request at a time after the signature check. A fault is either an AWS error answer
// (throttling, 500...) or "answerLost": the stand-in applies the call, then destroys the socket
// without answering, as when a response is lost on the network: the SDK sees a connection reset and
// retries a request that already took effect (what idempotency tokens and 409s are for).
import type { ServerResponse } from 'node:http';

export interface InjectedError {
  status: number;
  /** The AWS error name, e.g. `ThrottlingException`. */
  name: string;
  message: string;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
}

/** The call is applied, then the connection is dropped before any answer. */
export interface AnswerLost {
  answerLost: true;
}

export type InjectedFault = InjectedError | AnswerLost;

export function isAnswerLost(fault: InjectedFault): fault is AnswerLost {
  return 'answerLost' in fault;
}

export class FaultQueue<Operation extends string> {
  private readonly queues = new Map<Operation, { fault: InjectedFault; remaining: number }[]>();

  constructor(
    private readonly operations: readonly Operation[],
    private readonly serviceName: string,
  ) {}

  add(operation: Operation, fault: InjectedFault, times: number): void {
    if (!this.operations.includes(operation)) {
      throw new TypeError(
        `${this.serviceName}: unknown operation ${operation}: expected one of ${this.operations.join(', ')}`,
      );
    }
    if (!Number.isInteger(times) || times < 1) throw new TypeError(`times must be a positive integer`);
    const queue = this.queues.get(operation) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(operation, queue);
  }

  /** The fault for this request of `operation`, if any, consuming one use of it. */
  take(operation: Operation): InjectedFault | undefined {
    const queue = this.queues.get(operation);
    const next = queue?.[0];
    if (queue === undefined || next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}

/** Drops the connection without a byte of answer (the request has already been applied). */
export function loseAnswer(response: ServerResponse): void {
  response.socket?.destroy();
}
