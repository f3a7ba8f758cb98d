// Types of render-blocks.js, a plain ES module the browser loads as it is.

export interface RenderContext {
  /** User id → display name, for `<@U…>`. */
  users?: Record<string, string>;
  /** User group id → handle, for `<!subteam^S…>`. */
  groups?: Record<string, string>;
  /** Channel id → name, for `<#C…>`. */
  channels?: Record<string, string>;
  /** IANA time zone for `<!date^…>`; the runtime's own when absent. */
  timeZone?: string;
  /** "Now", for today/yesterday and {ago}. */
  now?: Date;
}

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
  verbatim?: boolean;
}

export const EMOJI: Record<string, string>;
export function escapeHtml(text: unknown): string;
export function renderMrkdwn(text: string, context?: RenderContext): string;
export function formatSlackDate(epochSeconds: number, format: string, context?: RenderContext): string;
export function renderPlainText(text: string, withEmoji?: boolean): string;
export function renderText(object: unknown, context?: RenderContext): string;
export function renderMessage(
  message: { text?: string; blocks?: unknown[] },
  context?: RenderContext,
): string;
export function renderBlocks(blocks: unknown[], context?: RenderContext): string;
export function renderConfirm(confirm: unknown, context?: RenderContext): string;
