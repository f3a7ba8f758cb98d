// Slack's v0 request signature, checked before anything reads the body: HMAC-SHA256 of
// `v0:<timestamp>:<raw body>` with the app's signing secret, hex-encoded, compared in constant
// time (https://api.slack.com/authentication/verifying-requests-from-slack).
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^v0=([0-9a-f]{64})$/;

/** True when `signature` is Slack's signature of `rawBody` sent at `timestamp`. */
export function isSlackSignature(
  signingSecret: string,
  rawBody: Buffer,
  timestamp: string,
  signature: string | undefined,
): boolean {
  const given = SIGNATURE.exec(signature ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest();
  // Both are 32 bytes here: the pattern above fixed the length of the given one.
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}
