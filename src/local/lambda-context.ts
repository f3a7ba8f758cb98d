// The context object Lambda's Node.js runtime hands a handler, for running the handler outside
// Lambda (the sandbox, npm start against real Slack). The bot reads none of it today; Bolt's
// receiver is given it as Lambda would give it.
import { randomUUID } from 'node:crypto';

const TIMEOUT_MS = 30_000;

export function lambdaContext(functionName: string) {
  const deadline = Date.now() + TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
