// What Lambda gives a Node function's process, for the benchmark's containers: the node flags of
// the runtime's bootstrap script and the environment Lambda sets (docs.aws.amazon.com/lambda/latest/dg/
// configuration-envvars.html#configuration-envvars-runtime), with nothing from this machine (no
// NODE_OPTIONS, no NODE_EXTRA_CA_CERTS). The flags matter beyond speed: a V8 code cache is
// accepted only by a process with the same V8 flags as the one that made it.
import { HANDLER_MEMORY_MB } from '../infra/lib/function-platform';
import type { NodeRuntime } from './runtimes';

/** The Slack-facing function's memorySize in the stack: it sets the heap flags below. */
export const MEMORY_MB = HANDLER_MEMORY_MB;

/**
 * The flags of /var/runtime/bootstrap in Lambda's Node base images: --expose-gc, the HTTP header
 * size, and heap sizes from the function's memory.
 */
export function lambdaNodeArgs(memoryMb = MEMORY_MB): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** The function's own variables (functionEnv) over what Lambda sets in every Node function. */
export function lambdaEnv(runtime: NodeRuntime, functionEnv: Record<string, string>): Record<string, string> {
  const major = runtime.version.split('.')[0];
  const region = functionEnv.AWS_REGION ?? 'us-east-1';
  return {
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH:
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: 'handler.handler',
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${major}.x`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/lambda-chatops',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_DEFAULT_REGION: region,
    AWS_SESSION_TOKEN: 'bench-session-token',
    ...functionEnv,
  };
}
