// The one check every URL passes before the bot shows it as a link: URLs come from version
// descriptions and configuration, and a Slack link `<url|label>` ends at the first `>` or `|`.

/**
 * `candidate` as a normalised https URL safe inside a Slack link (`<url|label>`), or undefined:
 * https only, a host, no credentials, and no character that ends or splits a Slack link or
 * escapes (`<`, `>`, `|`, quotes, backtick, whitespace, control characters) before or after
 * normalisation.
 */
export function safeHttpsUrl(candidate: string): string | undefined {
  // The WHATWG parser forgives `https:/host` and `https:///host`; a link shown to approvers should
  // read as what it opens, so only the plain form is accepted.
  if (UNSAFE.test(candidate) || !/^https:\/\/[^/]/i.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '')
    return undefined;
  return UNSAFE.test(url.href) ? undefined : url.href;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE = /[<>|"'`\\\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
