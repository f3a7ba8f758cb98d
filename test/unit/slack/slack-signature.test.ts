import { describe, expect, it } from 'vitest';
import { isSlackSignature } from '../../../src/slack/slack-signature';

// The worked example of https://api.slack.com/authentication/verifying-requests-from-slack.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('isSlackSignature', () => {
  it("accepts Slack's own worked example", () => {
    expect(isSlackSignature(SECRET, Buffer.from(BODY), TIMESTAMP, SIGNATURE)).toBe(true);
  });

  it.each<{
    name: string;
    secret?: string;
    body?: string;
    timestamp?: string;
    signature?: string | undefined;
  }>([
    { name: 'another secret', secret: `${SECRET}x` },
    { name: 'a body with one byte changed', body: BODY.replace('text=', 'text=x') },
    { name: 'another timestamp', timestamp: '1531420619' },
    { name: 'one hex digit changed', signature: SIGNATURE.replace('a2114', 'a2115') },
    { name: 'upper-case hex', signature: SIGNATURE.toUpperCase().replace('V0=', 'v0=') },
    { name: 'another version', signature: SIGNATURE.replace('v0=', 'v1=') },
    { name: 'a truncated signature', signature: SIGNATURE.slice(0, -2) },
    { name: 'trailing characters', signature: `${SIGNATURE}00` },
    { name: 'no signature', signature: undefined },
    { name: 'an empty signature', signature: '' },
  ])('refuses $name', ({ secret = SECRET, body = BODY, timestamp = TIMESTAMP, ...rest }) => {
    const signature = 'signature' in rest ? rest.signature : SIGNATURE;
    expect(isSlackSignature(secret, Buffer.from(body), timestamp, signature)).toBe(false);
  });
});
