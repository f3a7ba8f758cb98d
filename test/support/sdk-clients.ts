// The AWS SDK clients and the Slack Web API client the two Lambda bundles use, each as a whole:
// the entry of the probe bundle test/integration/slim-sdks.test.ts builds with the bundles'
// "unused SDK code left out" technique, to compare them with the SDKs as they ship.

export * as cloudwatch from '@aws-sdk/client-cloudwatch';
export * as dynamodb from '@aws-sdk/client-dynamodb';
export * as lambda from '@aws-sdk/client-lambda';
export * as scheduler from '@aws-sdk/client-scheduler';
export * as secretsManager from '@aws-sdk/client-secrets-manager';
export * as slackWebApi from '@slack/web-api';
