// The Secrets Manager stand-in, through the real SDK client and over plain HTTP.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerStandIn } from '../../src/local/stand-ins/secrets-manager';

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeAll(async () => {
  standIn = await SecretsManagerStandIn.start();
  client = new SecretsManagerClient({
    endpoint: standIn.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
});

describe('GetSecretValue', () => {
  it('returns a stored secret as SecretString', async () => {
    standIn.putSecret('arn:aws:secretsmanager:us-east-1:123456789012:secret:s', { a: 1 });

    const result = await client.send(
      new GetSecretValueCommand({ SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s' }),
    );

    expect(JSON.parse(result.SecretString ?? '')).toEqual({ a: 1 });
  });

  it('names an unknown secret ResourceNotFoundException', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses a request without a SigV4 signature, as AWS does', async () => {
    const response = await fetch(standIn.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s' }),
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});
