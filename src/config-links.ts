// `links` (DESIGN.md sections 3c and 5): URL templates that turn a version's `sha`/`pr` tokens
// into links. The template is trusted configuration, the tokens are not: so a template must be
// https, may use only its own placeholders, and may not put one in the host, where a token
// would choose the site a reviewer is sent to.
import { asObject, checkKeys, type Fail } from './config-values';
import type { LinkTemplates } from './domain/config-model';

/** Each template's placeholders, all required: a commit link without {sha} links every commit to one page. */
const PLACEHOLDERS: Record<keyof LinkTemplates, string[]> = {
  commit: ['sha'],
  pr: ['pr'],
  compare: ['from', 'to'],
};
const MAX_TEMPLATE_LENGTH = 2_000;
/** Whitespace, control characters and what ends or splits a Slack link (`<url|text>`). */
const UNSAFE = /[\s\p{Cc}<>|"`]/u;

export function readLinks(raw: unknown, path: string, fail: Fail): LinkTemplates {
  const entry = asObject(raw, path, fail);
  checkKeys(entry, Object.keys(PLACEHOLDERS), path, fail);
  const links: LinkTemplates = {};
  for (const name of Object.keys(PLACEHOLDERS) as (keyof LinkTemplates)[]) {
    if (entry[name] !== undefined) links[name] = readTemplate(entry[name], name, `${path}.${name}`, fail);
  }
  return links;
}

function readTemplate(raw: unknown, name: keyof LinkTemplates, path: string, fail: Fail): string {
  const allowed = PLACEHOLDERS[name];
  const example = allowed.map((placeholder) => `{${placeholder}}`).join(' and ');
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_TEMPLATE_LENGTH) {
    return fail(path, `must be an https URL template using ${example}`);
  }
  if (UNSAFE.test(raw)) return fail(path, 'may not contain spaces, control characters or any of < > | " `');
  const used = [...raw.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] as string);
  const unknown = used.find((placeholder) => !allowed.includes(placeholder));
  if (unknown !== undefined) return fail(path, `uses {${unknown}}: a ${name} link may use only ${example}`);
  const missing = allowed.find((placeholder) => !used.includes(placeholder));
  if (missing !== undefined) return fail(path, `must use {${missing}}`);
  if (/[{}]/.test(raw.replace(/\{[a-z]+\}/g, ''))) return fail(path, 'has a brace that is no placeholder');
  // Filled two ways, the template must stay one https site: no placeholder in the scheme, the
  // credentials or the host.
  const [one, two] = ['0', '1'].map((value) => url(raw.replace(/\{[a-z]+\}/g, value)));
  if (!one || !two || one.protocol !== 'https:')
    return fail(path, `must be an https URL template using ${example}`);
  if (one.username || one.password) return fail(path, 'may not carry a user name or password');
  if (one.origin !== two.origin || one.hostname === '') {
    return fail(path, 'may use placeholders only in the path, query or fragment, never in the host');
  }
  return raw;
}

function url(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
