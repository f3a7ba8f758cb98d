// AWS Lambda's answers in the domain's terms, shared by the reading registry and the worker's
// alias updater: AWS's errors become ChatopsErrors with sentences people can act on.
import type { AliasConfiguration } from '@aws-sdk/client-lambda';
import { ChatopsError } from '../domain/errors';
import type { AliasInfo } from '../domain/model';

export type LambdaTarget = 'function' | 'alias' | 'version';

/** Awaits a Lambda call, turning AWS's errors into the domain's. */
export async function lambdaCall<Output>(
  pending: Promise<Output>,
  functionName: string,
  target: LambdaTarget,
  qualifier?: string,
  whereIs?: (functionName: string) => string | undefined,
): Promise<Output> {
  try {
    return await pending;
  } catch (error) {
    const translated = translateError(error, functionName, target, qualifier);
    const where = whereIs?.(functionName);
    if (where && translated instanceof ChatopsError && translated.code === 'FUNCTION_NOT_FOUND') {
      throw new ChatopsError(
        'FUNCTION_NOT_FOUND',
        `Lambda has no function ${functionName} where the configuration points (${where}).`,
        { cause: error },
      );
    }
    throw translated;
  }
}

export function translateError(
  error: unknown,
  functionName: string,
  target: LambdaTarget,
  qualifier?: string,
): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'ResourceNotFoundException') {
    const what = /alias/i.test(error.message) ? 'alias' : target === 'version' ? 'version' : 'function';
    if (what === 'alias' && target !== 'function') {
      return new ChatopsError('ALIAS_NOT_FOUND', `Lambda has no alias \`${qualifier}\` on ${functionName}.`, {
        cause: error,
      });
    }
    // AWS names the qualified ARN when the function exists but the version does not.
    if (
      what === 'version' &&
      (!/function not found/i.test(error.message) || error.message.endsWith(`:${qualifier}`))
    ) {
      return new ChatopsError('VERSION_NOT_FOUND', `Lambda has no version ${qualifier} of ${functionName}.`, {
        cause: error,
      });
    }
    return new ChatopsError(
      'FUNCTION_NOT_FOUND',
      `Lambda has no function ${functionName} in this account and region.`,
      {
        cause: error,
      },
    );
  }
  if (name === 'PreconditionFailedException') {
    return new ChatopsError(
      'ALIAS_MOVED',
      `Alias \`${qualifier}\` of ${functionName} changed since the request.`,
      {
        cause: error,
      },
    );
  }
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException') {
    return new ChatopsError('THROTTLED', 'AWS Lambda is throttling requests right now.', { cause: error });
  }
  if (name === 'AccessDeniedException' || name === 'AccessDeniedError') {
    return new ChatopsError('UPSTREAM_FAILURE', `The bot is not allowed to read or change ${functionName}.`, {
      cause: error,
    });
  }
  if ((status !== undefined && status >= 500) || name === 'ServiceException') {
    return new ChatopsError('UPSTREAM_FAILURE', `AWS Lambda failed (${name}).`, { cause: error });
  }
  if (error.name !== 'Error' && error.name.endsWith('Exception')) {
    return new ChatopsError('UPSTREAM_FAILURE', `AWS Lambda refused the call (${name}).`, { cause: error });
  }
  return error;
}

export function toAlias(alias: AliasConfiguration): AliasInfo {
  return {
    name: alias.Name ?? '',
    version: alias.FunctionVersion ?? '',
    additionalWeights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    revisionId: alias.RevisionId ?? '',
    description: alias.Description ?? '',
  };
}
