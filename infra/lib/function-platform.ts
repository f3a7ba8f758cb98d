// What the stack deploys the bot's functions on, in a file of its own (no CDK in it) so that the
// code cache tooling (bench/code-cache.ts) builds for exactly this: a V8 code cache is accepted
// only by the CPU architecture and the V8 flags it was made with, and Lambda's flags follow the
// function's memory (bench/lambda-runtime.ts).

/** Both functions run on Graviton. Named as Node's `process.arch` names it (Lambda's x86_64 is `x64`). */
export const FUNCTION_ARCHITECTURE: 'arm64' | 'x64' = 'arm64';

/**
 * The Slack-facing function's memory. 1769 MB is one full vCPU: cold start is CPU-bound and
 * counts against Slack's 3 seconds; Node runs our code on one thread, so more would buy nothing.
 */
export const HANDLER_MEMORY_MB = 1769;

/** The worker's memory: nobody waits on a cold worker the way Slack waits on the handler. */
export const WORKER_MEMORY_MB = 1024;
