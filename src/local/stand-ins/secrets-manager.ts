// A Secrets Manager stand-in: GetSecretValue only (awsJson1_1), for the handler's SLACK_SECRET_ARN
// path in tests and the benchmark (with injected latency). As strict as AWS where it matters: a
// SigV4-signed request for `secretsmanager`, the awsJson1_1 content type, AWS's error names.
import { delay, type RunningServer, readBody, startHttpServer } from './http-server';
import { checkSignature } from './sigv4';

export class SecretsManagerStandIn {
  latencyMs = 0;
  readonly region = 'us-east-1';
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
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const refusal = checkSignature(
        {
          method: request.method ?? 'POST',
          rawPath: url.pathname,
          rawQuery: url.search.slice(1),
          headers: request.headers,
          body,
        },
        { region: standIn?.region ?? 'us-east-1', service: 'secretsmanager', now: new Date() },
      );
      if (refusal)
        return send(refusal.status, { __type: refusal.name, message: refusal.message }, refusal.name);
      if (request.headers['content-type'] !== 'application/x-amz-json-1.1') {
        return send(
          400,
          {
            __type: 'SerializationException',
            message: 'Start of structure or map found where not expected.',
          },
          'SerializationException',
        );
      }
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
