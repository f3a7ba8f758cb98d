// Slack's secrets from Secrets Manager (SLACK_SECRET_ARN), read once per cold start, through the
// real SDK client and the Secrets Manager stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/handler';
import { SecretsManagerStandIn } from '../../src/local/stand-ins/secrets-manager';
import { type Harness, SIGNING_SECRET, startHarness, textOf } from '../support/harness';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lambda-chatops-slack-AbCdEf';

let h: Harness;
let secrets: SecretsManagerStandIn;

beforeAll(async () => {
  h = await startHarness();
  secrets = await SecretsManagerStandIn.start();
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
});

afterAll(async () => {
  await secrets.close();
  await h.close();
});

/** The harness's variables with the secret's ARN instead of the secrets themselves. */
function lambdaEnv(arn: string) {
  const { SLACK_SIGNING_SECRET: _secret, SLACK_BOT_TOKEN: _token, ...env } = h.env;
  return { ...env, SLACK_SECRET_ARN: arn };
}

describe('SLACK_SECRET_ARN', () => {
  it('reads the secret once per cold start and answers with it', async () => {
    secrets.putSecret(ARN, { signingSecret: SIGNING_SECRET, botToken: h.slack.botToken });
    const handler = createHandler(lambdaEnv(ARN), { logger: h.logs.logger });
    const before = secrets.calls.length;

    const first = (await handler(h.commandEvent('status orders'), {})) as {
      statusCode: number;
      body: string;
    };
    const second = (await handler(h.commandEvent('help'), {})) as { statusCode: number };

    expect(first.statusCode).toBe(200);
    expect(textOf(JSON.parse(first.body).blocks)).toContain('*prod* → 3');
    expect(second.statusCode).toBe(200);
    expect(secrets.calls.slice(before)).toEqual(['GetSecretValue']);
  });

  it('a secret without the bot token fails with a sentence that names what is missing, not the values', async () => {
    const arn = `${ARN}-incomplete`;
    secrets.putSecret(arn, { signingSecret: SIGNING_SECRET });
    const handler = createHandler(lambdaEnv(arn), { logger: h.logs.logger });

    const failure = handler(h.commandEvent('status orders'), {});

    await expect(failure).rejects.toThrow('The secret SLACK_SECRET_ARN names lacks botToken');
    await expect(failure).rejects.not.toThrow(SIGNING_SECRET);
    const logged = h.logs.at('ERROR').at(-1);
    expect(logged).toMatchObject({
      message: 'the Slack-facing function could not start',
      error: { message: expect.stringContaining('lacks botToken') },
    });
    expect(h.logs.raw.join('\n')).not.toContain(SIGNING_SECRET);
  });

  it('a secret that does not exist is an invocation error, logged with AWS’s error name and status', async () => {
    h.logs.clear();
    const handler = createHandler(lambdaEnv(`${ARN}-deleted`), { logger: h.logs.logger });

    await expect(handler(h.commandEvent('status orders'), { awsRequestId: 'aws-1' })).rejects.toThrow();

    expect(h.logs.at('ERROR')).toEqual([
      expect.objectContaining({
        awsRequestId: 'aws-1',
        error: expect.objectContaining({ name: 'ResourceNotFoundException', httpStatusCode: 400 }),
      }),
    ]);
  });

  it('a request with a bad signature is refused with the secret from Secrets Manager too', async () => {
    secrets.putSecret(ARN, { signingSecret: SIGNING_SECRET, botToken: h.slack.botToken });
    const handler = createHandler(lambdaEnv(ARN), { logger: h.logs.logger });

    const reply = (await handler(h.commandEvent('status orders', { secret: 'guessed' }), {})) as {
      statusCode: number;
    };

    expect(reply.statusCode).toBe(401);
  });
});
