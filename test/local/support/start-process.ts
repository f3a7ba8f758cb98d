// Runs `npm start` as a user would (tsx src/local/start.ts) in a child process, with an environment
// built from scratch for the mode under test: nothing of the caller's Slack or AWS settings leaks in.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

export interface StartedProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** The caller's environment without any variable that would choose a mode or an endpoint. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(SLACK_|AWS_|AUDIT_TABLE_NAME$|CHATOPS_CONFIG$|PORT$|HOST$|SANDBOX_DIR$)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NODE_NO_WARNINGS: '1', ...extra };
}

export function startProcess(args: string[], env: NodeJS.ProcessEnv): StartedProcess {
  const child = spawn(TSX, ['src/local/start.ts', ...args], { cwd: REPO_ROOT, env, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits for a line of output that matches, failing with the output so far if the process ends first. */
export async function waitForOutput(
  started: StartedProcess,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (started.child.exitCode !== null) {
      throw new Error(
        `npm start exited with ${started.child.exitCode} before printing ${pattern}:\n${started.output()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`npm start did not print ${pattern} in time:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the sandbox on a free port (PORT=0) with its data in `dir`; resolves with its base URL. */
export async function startSandboxProcess(dir: string, args: string[] = ['--reset']) {
  const started = startProcess(args, cleanEnv({ PORT: '0', SANDBOX_DIR: dir }));
  const [, port] = await waitForOutput(started, /playground at http:\/\/localhost:(\d+)/);
  return { ...started, url: `http://127.0.0.1:${port}` };
}
