// `npm run manifest -- <function-url>`: fills the bot's request URL into manifest.yml (the slash
// command and interactivity share it, DESIGN.md section 6), writes the file and prints it, ready to
// paste into the Slack app's settings. The file is edited in place, line by line, so its comments
// survive; the result is parsed again to prove both URLs were set.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load as loadYaml } from 'js-yaml';

export const MANIFEST_FILE = fileURLToPath(new URL('../manifest.yml', import.meta.url));
/** The path the local server serves Slack on; on a Function URL every path reaches the handler. */
export const SLACK_EVENTS_PATH = '/slack/events';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const USAGE = 'usage: npm run manifest -- <function-url>   e.g. https://abc123.lambda-url.eu-west-1.on.aws/';

export class ManifestUrlError extends Error {
  override name = 'ManifestUrlError';
}

/**
 * The request URL for Slack: https, or http on localhost for local use. A bare origin (a Function
 * URL as `cdk deploy` prints it) gets `/slack/events`, so the path is the same everywhere.
 */
export function slackRequestUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new ManifestUrlError(`"${input}" is not a URL. ${USAGE}`);
  }
  const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new ManifestUrlError(
      `"${input}": Slack only calls https URLs (http is accepted for localhost only). ${USAGE}`,
    );
  }
  if (url.username || url.password || url.hash) {
    throw new ManifestUrlError(`"${input}": a request URL carries no user name, password or #fragment`);
  }
  if (url.pathname === '/') url.pathname = SLACK_EVENTS_PATH;
  return url.href;
}

/** The URLs a manifest sends Slack requests to: each slash command's and interactivity's. */
export function requestUrls(manifest: unknown): { commands: string[]; interactivity: string | undefined } {
  const root = (manifest ?? {}) as {
    features?: { slash_commands?: { url?: string }[] };
    settings?: { interactivity?: { request_url?: string } };
  };
  return {
    commands: (root.features?.slash_commands ?? []).map((command) => command.url ?? ''),
    interactivity: root.settings?.interactivity?.request_url,
  };
}

/** Sets every `url:` and `request_url:` value of the manifest text to `url`, keeping everything else. */
export function fillManifest(text: string, url: string): string {
  const value = /^[A-Za-z0-9:/._~%?&=+-]+$/.test(url) ? url : JSON.stringify(url);
  const filled = text.replace(
    /^([ \t]*(?:-[ \t]+)?(?:url|request_url):[ \t]*)(?:"[^"\n]*"|'[^'\n]*'|[^\s#]+)/gm,
    (_line, key: string) => `${key}${value}`,
  );
  const urls = requestUrls(loadYaml(filled));
  if (urls.commands.length === 0 || ![...urls.commands, urls.interactivity].every((found) => found === url)) {
    throw new Error(
      'manifest.yml: expected features.slash_commands[].url and settings.interactivity.request_url',
    );
  }
  return filled;
}

/** Fills `input` into the manifest file and returns the new text. */
export function updateManifestFile(file: string, input: string): string {
  const filled = fillManifest(readFileSync(file, 'utf8'), slackRequestUrl(input));
  writeFileSync(file, filled);
  return filled;
}

function main(args: string[]): number {
  const [input, ...rest] = args;
  if (!input || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  try {
    const filled = updateManifestFile(MANIFEST_FILE, input);
    process.stdout.write(filled);
    console.error(
      `\nWrote ${MANIFEST_FILE}: paste it into your Slack app (Features → App Manifest) and save.`,
    );
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
