// Where a version came from (DESIGN.md section 3c), as one mrkdwn line shared by the approval
// card, `versions`, `status` and `history`: the short SHA linked to its commit, the PR, the build
// and, on a change, the compare link. Pure: the description is read here, every URL passes
// `link` (https only, checked again), and everything else is escaped text.
import type { LinkTemplates } from '../../domain/config-model';
import { code, escapeText, link } from '../../domain/mrkdwn';
import { shortSha, type VersionSource, versionSource } from '../../domain/version-metadata';
import { safe } from './common';

/** `3f9c2e1 · #482 · build · compare · main`, each part linked when a safe link exists; '' without tokens. */
export function sourceLine({ metadata, links }: VersionSource): string {
  const parts: string[] = [];
  if (metadata.sha !== undefined) {
    const sha = shortSha(metadata.sha);
    parts.push(links.commit ? link(links.commit, sha) : code(sha));
  }
  if (metadata.ref !== undefined) parts.push(code(metadata.ref));
  if (metadata.pr !== undefined) {
    parts.push(links.pr ? link(links.pr, `PR #${metadata.pr}`) : escapeText(`PR #${metadata.pr}`));
  }
  if (links.build) parts.push(link(links.build, 'build'));
  if (links.compare) parts.push(link(links.compare, 'compare'));
  return parts.join(' · ');
}

export interface DescribedVersion {
  /** The description without its tokens, escaped (may be empty). */
  text: string;
  /** The source line (may be empty). */
  source: string;
}

/**
 * A description ready to show: its free text (escaped, cut to `max`) and its source line.
 * `replacing` is the description of the version this one replaces (for the compare link).
 */
export function describeVersion(
  description: string,
  templates: LinkTemplates,
  options: { max?: number; replacing?: string } = {},
): DescribedVersion {
  const source = versionSource(description, templates, options.replacing);
  return { text: safe(source.text, options.max ?? 200), source: sourceLine(source) };
}
