// The AWS SDK clients the two Lambda bundles use, each as a whole: the entry of the probe bundle
// test/integration/slim-sdk-errors.test.ts builds with the bundles' "unused SDK code left out"
// technique, to compare its error classes with the SDK's own.

export * as cloudwatch from '@aws-sdk/client-cloudwatch';
export * as dynamodb from '@aws-sdk/client-dynamodb';
export * as lambda from '@aws-sdk/client-lambda';
export * as scheduler from '@aws-sdk/client-scheduler';
export * as secretsManager from '@aws-sdk/client-secrets-manager';
