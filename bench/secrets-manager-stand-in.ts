// A Secrets Manager stand-in for the benchmark: GetSecretValue only (awsJson1_1), answering
// after an injected latency, so a cold start that reads SLACK_SECRET_ARN pays for the call.
import { delay, type RunningServer, readBody, startHttpServer } from '../src/local/stand-ins/http-server';

export class SecretsManagerStandIn {
  latencyMs = 0;
  readonly calls: string[] = [];

  private constructor(
    private readonly stored: Map<string, string>,
    private readonly running: RunningServer,
  ) {}

  static async start(): Promise<SecretsManagerStandIn> {
    const stored = new Map<string, string>();
    let standIn: SecretsManagerStandIn | undefined;
    const running = await startHttpServer(async (request, response) => {
      const body = await readBody(request, 64 * 1024);
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
      standIn?.calls.push(operation);
      await delay(standIn?.latencyMs ?? 0);
      const send = (status: number, payload: unknown, errorType?: string) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        response.end(JSON.stringify(payload));
      };
      if (operation !== 'GetSecretValue') {
        return send(
          400,
          { __type: 'UnknownOperationException', message: operation },
          'UnknownOperationException',
        );
      }
      const { SecretId } = JSON.parse(body.toString('utf8')) as { SecretId?: string };
      const secret = SecretId === undefined ? undefined : stored.get(SecretId);
      if (SecretId === undefined || secret === undefined) {
        const message = "Secrets Manager can't find the specified secret.";
        return send(400, { __type: 'ResourceNotFoundException', message }, 'ResourceNotFoundException');
      }
      send(200, {
        ARN: SecretId,
        Name: SecretId.split(':').at(-1),
        VersionId: '00000000-0000-4000-8000-000000000000',
        SecretString: secret,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      });
    });
    standIn = new SecretsManagerStandIn(stored, running);
    return standIn;
  }

  /** Stores a secret's value (as JSON, in SecretString). */
  putSecret(arn: string, value: unknown): void {
    this.stored.set(arn, JSON.stringify(value));
  }

  /** For AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  get url(): string {
    return `http://127.0.0.1:${this.running.port}`;
  }

  close(): Promise<void> {
    return this.running.close();
  }
}
