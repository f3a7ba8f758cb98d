import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config';
import { type AliasApiCall, functionOfCall, parseFunctionRef } from '../../../src/domain/alias-call';

describe('parseFunctionRef', () => {
  it.each([
    ['orders-service', { name: 'orders-service' }],
    ['orders-service:prod', { name: 'orders-service' }],
    ['123456789012:function:orders-service', { name: 'orders-service', account: '123456789012' }],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:orders-service:prod',
      { name: 'orders-service', account: '123456789012', region: 'eu-west-1' },
    ],
  ])('%s', (ref, parsed) => {
    expect(parseFunctionRef(ref)).toEqual(parsed);
  });
});

describe('functionOfCall', () => {
  const config = validateConfig(
    {
      functions: {
        orders: { functionName: 'orders-service', stages: ['dev', 'prod'] },
        billing: { functionName: 'arn:aws:lambda:eu-west-1:222222222222:function:billing', stages: ['prod'] },
      },
    },
    'test.yml',
  );
  const call = (functionName: string, where: Partial<AliasApiCall> = {}): AliasApiCall => ({
    change: 'update',
    functionName,
    alias: 'prod',
    version: '2',
    weights: {},
    revisionId: 'rev',
    actor: 'arn:aws:iam::111111111111:user/alice',
    at: '2030-05-06T10:00:00Z',
    eventId: 'e1',
    account: '111111111111',
    region: 'us-east-1',
    ...where,
  });

  it.each([
    'orders-service',
    '111111111111:function:orders-service',
    'arn:aws:lambda:us-east-1:111111111111:function:orders-service',
  ])('finds a function configured by name from %s', (name) => {
    expect(functionOfCall(config, call(name))?.key).toBe('orders');
  });

  it.each([
    'arn:aws:lambda:us-east-1:999999999999:function:orders-service',
    'arn:aws:lambda:eu-west-1:111111111111:function:orders-service',
    'orders',
    'someone-else',
  ])('refuses %s', (name) => {
    expect(functionOfCall(config, call(name))).toBeUndefined();
  });

  it('finds a function configured by ARN in its own account and region only', () => {
    const there = { account: '222222222222', region: 'eu-west-1' };
    expect(functionOfCall(config, call('billing', there))?.key).toBe('billing');
    expect(functionOfCall(config, call('billing'))).toBeUndefined();
  });
});
