// An HTTP proxy in front of dynalite, for what dynalite never does by itself: answer late (the
// benchmark's injected latency), fail (throttling, 500s) and lose answers (the write is done, the
// caller never hears of it), by operation and, optionally, only for requests that match.
import { Agent, request as httpRequest } from 'node:http';
import { delay, type RunningServer, readBody, startHttpServer } from './http-server';

export interface DynamoDbFault {
  /** `ThrottlingException`, `ProvisionedThroughputExceededException`, `InternalServerError`… */
  name: string;
  status: number;
  message?: string;
  /** Forward the call to dynalite first (it takes effect), then fail: the answer is lost. */
  afterForwarding?: boolean;
}

interface Armed {
  operation: string;
  fault: DynamoDbFault;
  remaining: number;
  /** Only requests whose JSON body this accepts. */
  matches: (body: Record<string, unknown>) => boolean;
}

export class DynamoDbProxy {
  latencyMs = 0;
  /** Calls received and not yet answered: a caller that returned with some left abandoned them. */
  inFlight = 0;
  /** Operation names (`Query`, `PutItem`...), in the order the calls arrived. */
  readonly calls: string[] = [];
  private readonly armed: Armed[] = [];

  private constructor(private readonly running: RunningServer) {}

  static async start(target: string): Promise<DynamoDbProxy> {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true });
    let proxy: DynamoDbProxy | undefined;
    const forward = (
      request: import('node:http').IncomingMessage,
      body: Buffer,
      sink?: import('node:http').ServerResponse,
    ) =>
      new Promise<void>((resolve, reject) => {
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
            if (sink) {
              sink.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(sink);
            } else {
              answer.resume();
            }
            answer.on('end', resolve);
            answer.on('error', reject);
          },
        );
        forwarded.on('error', reject);
        forwarded.end(body);
      });
    const running = await startHttpServer(async (request, response) => {
      if (proxy) proxy.inFlight += 1;
      response.on('close', () => {
        if (proxy) proxy.inFlight -= 1;
      });
      const body = await readBody(request, 16 * 1024 * 1024);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^DynamoDB_\d+\./, '');
      proxy?.calls.push(operation);
      await delay(proxy?.latencyMs ?? 0);
      const fault = proxy?.takeFault(operation, body);
      if (fault) {
        if (fault.afterForwarding) await forward(request, body);
        const text = JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${fault.name}`,
          message: fault.message ?? `injected ${fault.name}`,
        });
        response.writeHead(fault.status, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
        return;
      }
      await forward(request, body, response);
    });
    proxy = new DynamoDbProxy(running);
    return proxy;
  }

  /** For AWS_ENDPOINT_URL_DYNAMODB. */
  get url(): string {
    return `http://127.0.0.1:${this.running.port}`;
  }

  /** The next `times` calls of `operation` (whose body `matches` accepts) fail with `fault`. */
  failNext(
    operation: string,
    fault: DynamoDbFault,
    times = 1,
    matches: (body: Record<string, unknown>) => boolean = () => true,
  ): void {
    this.armed.push({ operation, fault, remaining: times, matches });
  }

  /** Disarms every fault not yet spent. */
  clearFaults(): void {
    this.armed.length = 0;
  }

  close(): Promise<void> {
    return this.running.close();
  }

  private takeFault(operation: string, body: Buffer): DynamoDbFault | undefined {
    const armed = this.armed.find((entry) => entry.operation === operation && entry.remaining > 0);
    if (!armed) return undefined;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (!armed.matches(parsed)) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }
}
