// WorkQueue in this process, after the answer: for npm start against real Slack without a
// deployed worker (WORKER_FUNCTION_NAME unset), and for the worker's work handed to itself.
import type { AsyncTask, WorkQueue } from '../ports';

export class InProcessWorkQueue implements WorkQueue {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly run: (task: AsyncTask) => Promise<void>) {}

  async enqueue(task: AsyncTask): Promise<void> {
    const job: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(task))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
