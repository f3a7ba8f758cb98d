// What a deployment may choose without editing code, read from CDK context (`-c key=value`):
// which configuration the IAM policy is derived from, and the function's (and stack's) name.
import { DEFAULT_FUNCTION_NAME } from './chatops-stack';

export interface DeploySettings {
  /** chatops.config.yml or the file named by context `config` or CHATOPS_CONFIG. */
  configPath: string;
  /** Names both the Lambda function and the CloudFormation stack. */
  functionName: string;
  /** `-c driftEvents=true`: CloudTrail's alias calls go to the worker (needs a trail). */
  driftEvents: boolean;
  /**
   * Context `runtimeVersionArn`: Lambda's runtime management in manual mode, on this runtime
   * version, so that the V8 code cache shipped with the build (README, "Cold start") keeps
   * matching the Node it was made with. Unset: Lambda updates the runtime itself.
   */
  runtimeVersionArn?: string;
}

/** A runtime version ARN, as Lambda's INIT_START log line prints it. */
const RUNTIME_VERSION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+::runtime:[0-9a-f]{64}$/;

/**
 * A Lambda function name that is also a valid CloudFormation stack name, with room for the
 * worker's `-worker` suffix and the handler role's `-handler` within 64 characters.
 */
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,55}$/;

/**
 * The configuration comes from context `config`, else CHATOPS_CONFIG (the variable the build reads
 * too, so that one setting keeps the bundled configuration and the IAM policy in step), else
 * chatops.config.yml.
 */
export function readDeploySettings(
  context: (key: string) => unknown,
  env: Record<string, string | undefined>,
): DeploySettings {
  const configPath = stringSetting(context('config'), 'config') ?? env.CHATOPS_CONFIG ?? 'chatops.config.yml';
  const functionName = stringSetting(context('functionName'), 'functionName') ?? DEFAULT_FUNCTION_NAME;
  if (!NAME.test(functionName)) {
    throw new Error(
      `context functionName "${functionName}": use 1 to 56 letters, digits and hyphens, starting with a letter (it also names the stack)`,
    );
  }
  const runtimeVersionArn = stringSetting(context('runtimeVersionArn'), 'runtimeVersionArn');
  if (runtimeVersionArn !== undefined && !RUNTIME_VERSION_ARN.test(runtimeVersionArn)) {
    throw new Error(
      `context runtimeVersionArn "${runtimeVersionArn}": expected arn:aws:lambda:<region>::runtime:<64 hex digits>, ` +
        "as the function's INIT_START log line prints it",
    );
  }
  return {
    configPath,
    functionName,
    driftEvents: booleanSetting(context('driftEvents'), 'driftEvents'),
    ...(runtimeVersionArn ? { runtimeVersionArn } : {}),
  };
}

/** `-c key=true` arrives as a string, cdk.json's `"key": true` as a boolean. */
function booleanSetting(value: unknown, key: string): boolean {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`context ${key} must be true or false`);
}

function stringSetting(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`context ${key} must be a non-empty string`);
  return value.trim();
}
