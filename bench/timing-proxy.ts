// An HTTP proxy in front of each stand-in for the benchmark: it records when each call the bot
// makes starts and ends (to count the round trips in a row on the way to an answer), and can
// delay calls itself, for a stand-in without latency injection of its own (dynalite).
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { delay, type RunningServer, readBody, startHttpServer } from '../src/local/stand-ins/http-server';

export interface TimedCall {
  /** `dynamodb`, `lambda`, `slack`, `secrets`. */
  service: string;
  /** The operation: DynamoDB's `Query`, Lambda's `GET /2015-03-31/functions/...`, Slack's `chat.update`. */
  name: string;
  /** performance.now() of this process when the request arrived and when its answer was sent. */
  start: number;
  end: number;
}

export class TimingProxy {
  /** Added to every call here (for stand-ins that do not delay calls themselves). */
  latencyMs = 0;
  readonly calls: TimedCall[] = [];

  private constructor(
    private readonly running: RunningServer,
    readonly target: string,
  ) {}

  static async start(
    service: string,
    target: string,
    nameOf: (request: IncomingMessage) => string,
  ): Promise<TimingProxy> {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true });
    let proxy: TimingProxy | undefined;
    const running = await startHttpServer(async (request, response) => {
      const start = performance.now();
      const body = await readBody(request, 16 * 1024 * 1024);
      await delay(proxy?.latencyMs ?? 0);
      await new Promise<void>((resolve, reject) => {
        const forwarded = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: request.method,
            path: request.url,
            headers: request.headers,
            agent,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            answer.on('end', resolve);
            answer.on('error', reject);
          },
        );
        forwarded.on('error', reject);
        forwarded.end(body);
      });
      proxy?.calls.push({ service, name: nameOf(request), start, end: performance.now() });
    });
    proxy = new TimingProxy(running, target.replace(/\/$/, ''));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.running.port}`;
  }

  /** The same URL of the stand-in, through this proxy. */
  through(url: string): string {
    if (!url.startsWith(this.target)) throw new Error(`${url} is not on ${this.target}`);
    return this.url + url.slice(this.target.length);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/** The longest chain of calls one after the other (each starting after the one before ended). */
export function roundTripsInARow(calls: readonly TimedCall[]): { count: number; chain: TimedCall[] } {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const best: { count: number; previous: number }[] = [];
  sorted.forEach((call, i) => {
    let entry = { count: 1, previous: -1 };
    for (let j = 0; j < i; j++) {
      const before = sorted[j] as TimedCall;
      const candidate = best[j] as { count: number };
      if (before.end <= call.start && candidate.count + 1 > entry.count) {
        entry = { count: candidate.count + 1, previous: j };
      }
    }
    best.push(entry);
  });
  let last = -1;
  best.forEach((entry, i) => {
    if (last < 0 || entry.count > (best[last] as { count: number }).count) last = i;
  });
  const chain: TimedCall[] = [];
  for (let i = last; i >= 0; i = (best[i] as { previous: number }).previous)
    chain.unshift(sorted[i] as TimedCall);
  return { count: chain.length, chain };
}
