// An HTTP proxy in front of dynalite for the benchmark: dynalite answers at once, DynamoDB does
// not. The proxy delays each call by an injected latency and counts calls by operation.
import { Agent, request as httpRequest } from 'node:http';
import { delay, type RunningServer, readBody, startHttpServer } from '../src/local/stand-ins/http-server';

export class DynamoDbProxy {
  latencyMs = 0;
  /** Operation names (`Query`, `PutItem`...), in the order the calls arrived. */
  readonly calls: string[] = [];

  private constructor(private readonly running: RunningServer) {}

  static async start(target: string): Promise<DynamoDbProxy> {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true });
    let proxy: DynamoDbProxy | undefined;
    const running = await startHttpServer(async (request, response) => {
      const body = await readBody(request, 16 * 1024 * 1024);
      const target = String(request.headers['x-amz-target'] ?? '');
      proxy?.calls.push(target.replace(/^DynamoDB_\d+\./, ''));
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
    });
    proxy = new DynamoDbProxy(running);
    return proxy;
  }

  /** For AWS_ENDPOINT_URL_DYNAMODB. */
  get url(): string {
    return `http://127.0.0.1:${this.running.port}`;
  }

  close(): Promise<void> {
    return this.running.close();
  }
}
