// The IAM resources of the functions the configuration lets the bot touch (DESIGN.md section 10):
// each function's own ARN and `<arn>:*` for its versions and aliases, so that reading and
// `UpdateAlias` reach the configured functions and nothing else in the account.
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import type { ChatopsConfig } from '../../src/domain/model';

/**
 * A plain name becomes an ARN in the stack's own account and region, the way Lambda resolves a
 * name; a configured ARN is used as given (it may name another account or region).
 */
export function functionArn(stack: Stack, functionName: string): string {
  if (functionName.startsWith('arn:')) return functionName;
  return stack.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: functionName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Unqualified and qualified ARNs of every configured function, without duplicates. */
export function managedFunctionResources(stack: Stack, config: ChatopsConfig): string[] {
  const names = new Set(Object.values(config.functions).map((fn) => fn.functionName));
  return [...names].map((name) => functionArn(stack, name)).flatMap((arn) => [arn, `${arn}:*`]);
}

/** The roles of other accounts the bot assumes: readers (both functions) and promoters (the worker). */
export function assumedRoles(config: ChatopsConfig): { readers: string[]; promoters: string[] } {
  const accounts = Object.values(config.accounts);
  return {
    readers: accounts.map((account) => account.readerRoleArn).sort(),
    promoters: accounts.map((account) => account.promoterRoleArn).sort(),
  };
}
