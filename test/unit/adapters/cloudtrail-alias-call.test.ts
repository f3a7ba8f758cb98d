import { describe, expect, it } from 'vitest';
import { aliasApiCall } from '../../../src/adapters/cloudtrail-alias-call';
import { workerEvent } from '../../../src/adapters/worker-event';

const record = (detail: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'event-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.lambda',
  account: '111111111111',
  time: '2030-05-06T10:00:05Z',
  region: 'us-east-1',
  detail: {
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::111111111111:user/alice',
    },
    eventTime: '2030-05-06T10:00:00Z',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateAlias20150331',
    awsRegion: 'us-east-1',
    requestParameters: { functionName: 'orders-service', name: 'prod', functionVersion: '5' },
    responseElements: {
      name: 'prod',
      functionVersion: '5',
      revisionId: 'rev-5',
      routingConfig: { additionalVersionWeights: { '6': 0.1 } },
    },
    eventID: 'trail-1',
    recipientAccountId: '111111111111',
    ...detail,
  },
  ...envelope,
});

describe('aliasApiCall', () => {
  it('reads who changed which alias, and its state after the call', () => {
    expect(aliasApiCall(record())).toEqual({
      change: 'update',
      functionName: 'orders-service',
      alias: 'prod',
      version: '5',
      weights: { '6': 0.1 },
      revisionId: 'rev-5',
      actor: 'arn:aws:iam::111111111111:user/alice',
      at: '2030-05-06T10:00:00Z',
      eventId: 'trail-1',
      account: '111111111111',
      region: 'us-east-1',
    });
  });

  it('falls back to the principal id when the identity has no ARN', () => {
    const call = aliasApiCall(record({ userIdentity: { type: 'AWSService', principalId: 'AROA:svc' } }));
    expect(call?.actor).toBe('AROA:svc');
  });

  it('reads a delete, which has no response', () => {
    const call = aliasApiCall(record({ eventName: 'DeleteAlias20150331', responseElements: null }));
    expect(call).toMatchObject({ change: 'delete', alias: 'prod' });
    expect(call?.revisionId).toBeUndefined();
  });

  it.each([
    ['another source', record({}, { source: 'aws.s3' })],
    ['another call', record({ eventName: 'UpdateFunctionCode20150331v2' })],
    ['a failed call', record({ errorCode: 'PreconditionFailedException', responseElements: null })],
    ['an update without its resulting RevisionId', record({ responseElements: { functionVersion: '5' } })],
    ['no function', record({ requestParameters: { name: 'prod' } })],
    ['not an object', 'UpdateAlias20150331'],
  ])('is undefined for %s', (_label, event) => {
    expect(aliasApiCall(event)).toBeUndefined();
  });
});

describe('workerEvent', () => {
  it('tells tasks, heartbeats and alias calls apart, and nothing else is the bot’s', () => {
    expect(
      workerEvent({ source: 'lambda-chatops/task', task: { kind: 'apply', requestId: 'R0000000AB' } })?.type,
    ).toBe('task');
    expect(workerEvent({ kind: 'heartbeat' })?.type).toBe('heartbeat');
    expect(workerEvent(record())?.type).toBe('alias-call');
    expect(workerEvent({ kind: 'heartbeats' })).toBeUndefined();
    expect(workerEvent(null)).toBeUndefined();
  });
});
