// Where a version came from (DESIGN.md section 3c, issue 13): CI writes `key=value` tokens
// (`sha`, `ref`, `pr`, `build`) among the free text of a version's description, and the cards
// link them through the configured `links` templates. A description is written by whoever can
// publish a version, so every token is validated, a token that fails stays plain text (escaped
// like any text), and a URL is produced only when it is https and carries nothing Slack would
// read as the end of a link (`<`, `>`, `|`).
import type { LinkTemplates } from './config-model';
import { safeHttpsUrl } from './safe-url';

export interface VersionMetadata {
  /** Lower-case hex, 7 to 40 characters. */
  sha?: string;
  /** A git ref name (branch or tag). */
  ref?: string;
  /** Digits. */
  pr?: string;
  /** An https URL (normalised). */
  build?: string;
}

export interface ParsedDescription {
  metadata: VersionMetadata;
  /** The description without the tokens that were recognised, single-spaced. */
  text: string;
}

type Key = keyof VersionMetadata;

const VALIDATE: Record<Key, (value: string) => string | undefined> = {
  sha: (value) => (/^[0-9a-f]{7,40}$/i.test(value) ? value.toLowerCase() : undefined),
  pr: (value) => (/^[1-9][0-9]{0,9}$/.test(value) ? value : undefined),
  ref: (value) => (isRefName(value) ? value : undefined),
  build: (value) => safeHttpsUrl(value),
};

const isKey = (key: string): key is Key => Object.hasOwn(VALIDATE, key);

/**
 * Splits a description into its tokens and the rest. The first valid token of each key counts;
 * a repeated or malformed one is left in the text.
 */
export function parseDescription(description: string): ParsedDescription {
  const metadata: VersionMetadata = {};
  const rest: string[] = [];
  for (const word of description.split(/\s+/).filter(Boolean)) {
    const separator = word.indexOf('=');
    const key = word.slice(0, separator);
    const value =
      separator > 0 && isKey(key) && metadata[key] === undefined
        ? VALIDATE[key](word.slice(separator + 1))
        : undefined;
    if (value === undefined) rest.push(word);
    else metadata[key as Key] = value;
  }
  return { metadata, text: rest.join(' ') };
}

/**
 * A branch or tag name as `git check-ref-format` accepts it, narrowed to what is safe to show:
 * characters Slack mrkdwn or a shell gives meaning to (`<`, `>`, `|`, `&`, backtick, quotes) are
 * refused even where git would allow them.
 */
export function isRefName(ref: string): boolean {
  if (ref.length === 0 || ref.length > 255) return false;
  if (!/^[A-Za-z0-9._/+\-#@,%=]+$/.test(ref)) return false;
  if (ref === '@' || ref.includes('..') || ref.includes('@{') || ref.includes('//')) return false;
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return false;
  return ref.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

export interface VersionLinks {
  commit?: string;
  pr?: string;
  build?: string;
  compare?: string;
}

/**
 * The links of a version's metadata through `templates`; `compareFrom` is the metadata of the
 * version being replaced (a promotion's compare link goes from its SHA to this one's). A
 * template whose placeholder has no value, or whose result is not a safe https URL, gives no
 * link. Every value is URL-encoded before substitution, so a value can never add a path,
 * query, host or scheme of its own.
 */
export function linksFor(
  metadata: VersionMetadata,
  templates: LinkTemplates,
  compareFrom?: VersionMetadata,
): VersionLinks {
  const values: Record<string, string | undefined> = {
    sha: metadata.sha,
    pr: metadata.pr,
    from: compareFrom?.sha,
    to: metadata.sha,
  };
  const links: VersionLinks = {};
  const commit = metadata.sha === undefined ? undefined : fill(templates.commit, values);
  const pr = metadata.pr === undefined ? undefined : fill(templates.pr, values);
  const compare =
    compareFrom?.sha === undefined || metadata.sha === undefined || compareFrom.sha === metadata.sha
      ? undefined
      : fill(templates.compare, values);
  if (commit) links.commit = commit;
  if (pr) links.pr = pr;
  if (metadata.build) links.build = metadata.build;
  if (compare) links.compare = compare;
  return links;
}

/** Substitutes `{name}` placeholders; undefined when one has no value or the result is unsafe. */
export function fill(
  template: string | undefined,
  values: Record<string, string | undefined>,
): string | undefined {
  if (template === undefined) return undefined;
  let unusable = false;
  const filled = template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      unusable = true;
      return placeholder;
    }
    // A lone surrogate cannot be encoded: that value gives no link.
    if (!/^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/.test(value)) {
      unusable = true;
      return placeholder;
    }
    return encodeURIComponent(value);
  });
  return unusable ? undefined : safeHttpsUrl(filled);
}

/** The first seven characters, as git shows a SHA. */
export const shortSha = (sha: string) => sha.slice(0, 7);

/**
 * The templates for one function: its own `links` over the top-level ones, key by key (a function
 * that sets only `pr` keeps the top-level `commit` and `compare`).
 */
export function templatesFor(topLevel: LinkTemplates, own: LinkTemplates | undefined): LinkTemplates {
  return { ...topLevel, ...(own ?? {}) };
}

/** A version's description read for display: its free text, its tokens and their links. */
export interface VersionSource {
  text: string;
  metadata: VersionMetadata;
  links: VersionLinks;
}

/**
 * `description` read through `templates`; `replacing` is the description of the version it
 * replaces, for a promotion's compare link.
 */
export function versionSource(
  description: string,
  templates: LinkTemplates,
  replacing?: string,
): VersionSource {
  const { metadata, text } = parseDescription(description);
  const from = replacing === undefined ? undefined : parseDescription(replacing).metadata;
  return { text, metadata, links: linksFor(metadata, templates, from) };
}
