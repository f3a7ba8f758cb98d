// Block Kit validation as Slack applies it to messages: the limits of the blocks bots use (header,
// section, context, divider, actions, rich_text, image, markdown), of their text objects, buttons and
// confirm dialogs, unknown properties, duplicate block_id and action_id. Errors come back the way
// Slack words them, `<problem> [json-pointer:/blocks/0/text/text]`.

type Json = Record<string, unknown>;

const INTERACTIVE_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'workflow_button',
]);

const RICH_TEXT_ELEMENTS = new Set([
  'rich_text_section',
  'rich_text_list',
  'rich_text_preformatted',
  'rich_text_quote',
]);

export const MAX_BLOCKS = 50;

export function validateBlocks(blocks: unknown[]): string[] {
  const check = new BlockCheck();
  if (blocks.length > MAX_BLOCKS) check.fail('/blocks', `no more than ${MAX_BLOCKS} items allowed`);
  blocks.forEach((block, index) => {
    check.block(block, `/blocks/${index}`);
  });
  return check.errors;
}

class BlockCheck {
  readonly errors: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  fail(pointer: string, problem: string): void {
    this.errors.push(`${problem} [json-pointer:${pointer}]`);
  }

  block(value: unknown, at: string): void {
    const block = this.object(value, at);
    if (block === undefined) return;
    this.blockId(block.block_id, `${at}/block_id`);
    switch (block.type) {
      case 'header':
        this.allowed(block, at, ['type', 'block_id', 'text']);
        this.textObject(block.text, `${at}/text`, { max: 150, plainOnly: true, required: true });
        return;
      case 'section':
        this.section(block, at);
        return;
      case 'context':
        this.allowed(block, at, ['type', 'block_id', 'elements']);
        this.list(block.elements, `${at}/elements`, 10, (element, pointer) =>
          this.contextElement(element, pointer),
        );
        return;
      case 'divider':
        this.allowed(block, at, ['type', 'block_id']);
        return;
      case 'actions':
        this.allowed(block, at, ['type', 'block_id', 'elements']);
        this.list(block.elements, `${at}/elements`, 25, (element, pointer) =>
          this.interactive(element, pointer),
        );
        return;
      case 'rich_text':
        this.allowed(block, at, ['type', 'block_id', 'elements']);
        this.list(block.elements, `${at}/elements`, Number.POSITIVE_INFINITY, (element, pointer) =>
          this.richTextElement(element, pointer),
        );
        return;
      case 'image':
        this.image(block, at, true);
        return;
      case 'markdown':
        this.allowed(block, at, ['type', 'block_id', 'text']);
        this.string(block.text, `${at}/text`, { min: 1, max: 12000, required: true });
        return;
      case undefined:
        this.fail(`${at}/type`, 'missing required field: type');
        return;
      default:
        this.fail(`${at}/type`, `unsupported type: ${String(block.type)}`);
    }
  }

  private section(block: Json, at: string): void {
    this.allowed(block, at, ['type', 'block_id', 'text', 'fields', 'accessory', 'expand']);
    if (block.text === undefined && block.fields === undefined) {
      this.fail(at, 'must provide either text or fields');
    }
    if (block.text !== undefined) this.textObject(block.text, `${at}/text`, { max: 3000 });
    if (block.fields !== undefined) {
      this.list(block.fields, `${at}/fields`, 10, (field, pointer) =>
        this.textObject(field, pointer, { max: 2000 }),
      );
    }
    if (block.expand !== undefined && typeof block.expand !== 'boolean') {
      this.fail(`${at}/expand`, 'must be a boolean');
    }
    if (block.accessory !== undefined) {
      const accessory = this.object(block.accessory, `${at}/accessory`);
      if (accessory?.type === 'image') this.image(accessory, `${at}/accessory`, false);
      else if (accessory !== undefined) this.interactive(accessory, `${at}/accessory`);
    }
  }

  private contextElement(value: unknown, at: string): void {
    const element = this.object(value, at);
    if (element === undefined) return;
    if (element.type === 'image') this.image(element, at, false);
    else this.textObject(element, at, {});
  }

  private interactive(value: unknown, at: string): void {
    const element = this.object(value, at);
    if (element === undefined) return;
    if (typeof element.type !== 'string' || !INTERACTIVE_ELEMENTS.has(element.type)) {
      this.fail(`${at}/type`, `unsupported type: ${String(element.type)}`);
      return;
    }
    if (element.action_id !== undefined) {
      this.string(element.action_id, `${at}/action_id`, { min: 1, max: 255 });
      if (typeof element.action_id === 'string') {
        if (this.actionIds.has(element.action_id)) {
          this.fail(`${at}/action_id`, `duplicate action_id: ${element.action_id}`);
        }
        this.actionIds.add(element.action_id);
      }
    }
    if (element.confirm !== undefined) this.confirm(element.confirm, `${at}/confirm`);
    if (element.type === 'button') this.button(element, at);
  }

  private button(button: Json, at: string): void {
    this.allowed(button, at, [
      'type',
      'text',
      'action_id',
      'url',
      'value',
      'style',
      'confirm',
      'accessibility_label',
    ]);
    this.textObject(button.text, `${at}/text`, { max: 75, plainOnly: true, required: true });
    this.string(button.value, `${at}/value`, { max: 2000 });
    this.string(button.url, `${at}/url`, { max: 3000 });
    this.string(button.accessibility_label, `${at}/accessibility_label`, { min: 1, max: 75 });
    if (button.style !== undefined && button.style !== 'primary' && button.style !== 'danger') {
      this.fail(`${at}/style`, 'must be one of: primary, danger');
    }
  }

  private confirm(value: unknown, at: string): void {
    const confirm = this.object(value, at);
    if (confirm === undefined) return;
    this.allowed(confirm, at, ['title', 'text', 'confirm', 'deny', 'style']);
    this.textObject(confirm.title, `${at}/title`, { max: 100, plainOnly: true, required: true });
    this.textObject(confirm.text, `${at}/text`, { max: 300, required: true });
    this.textObject(confirm.confirm, `${at}/confirm`, { max: 30, plainOnly: true, required: true });
    this.textObject(confirm.deny, `${at}/deny`, { max: 30, plainOnly: true, required: true });
    if (confirm.style !== undefined && confirm.style !== 'primary' && confirm.style !== 'danger') {
      this.fail(`${at}/style`, 'must be one of: primary, danger');
    }
  }

  private image(image: Json, at: string, isBlock: boolean): void {
    const keys = ['type', 'image_url', 'slack_file', 'alt_text'];
    this.allowed(image, at, isBlock ? [...keys, 'title', 'block_id'] : keys);
    if (image.image_url === undefined && image.slack_file === undefined) {
      this.fail(at, 'must provide either image_url or slack_file');
    }
    this.string(image.image_url, `${at}/image_url`, { min: 1, max: 3000 });
    this.string(image.alt_text, `${at}/alt_text`, { min: 1, max: 2000, required: true });
    if (isBlock && image.title !== undefined) {
      this.textObject(image.title, `${at}/title`, { max: 2000, plainOnly: true });
    }
  }

  private richTextElement(value: unknown, at: string): void {
    const element = this.object(value, at);
    if (element === undefined) return;
    if (typeof element.type !== 'string' || !RICH_TEXT_ELEMENTS.has(element.type)) {
      this.fail(`${at}/type`, `unsupported type: ${String(element.type)}`);
      return;
    }
    if (!Array.isArray(element.elements)) this.fail(`${at}/elements`, 'must provide an array');
  }

  private textObject(
    value: unknown,
    at: string,
    rules: { max?: number; plainOnly?: boolean; required?: boolean },
  ): void {
    if (value === undefined) {
      if (rules.required) this.fail(at, 'must provide an object');
      return;
    }
    const text = this.object(value, at);
    if (text === undefined) return;
    if (text.type !== 'plain_text' && text.type !== 'mrkdwn') {
      this.fail(`${at}/type`, 'must be one of: plain_text, mrkdwn');
      return;
    }
    if (rules.plainOnly && text.type !== 'plain_text') {
      this.fail(`${at}/type`, 'must be plain_text');
    }
    this.allowed(
      text,
      at,
      text.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim'],
    );
    this.string(text.text, `${at}/text`, { min: 1, max: rules.max, required: true });
  }

  private string(
    value: unknown,
    at: string,
    rules: { min?: number; max?: number | undefined; required?: boolean },
  ) {
    if (value === undefined) {
      if (rules.required) this.fail(at, 'must provide a string');
      return;
    }
    if (typeof value !== 'string') {
      this.fail(at, 'must provide a string');
      return;
    }
    if (rules.min !== undefined && value.length < rules.min) {
      this.fail(at, `must be more than ${rules.min - 1} characters`);
    }
    if (rules.max !== undefined && value.length > rules.max) {
      this.fail(at, `must be less than ${rules.max + 1} characters`);
    }
  }

  private blockId(value: unknown, at: string): void {
    if (value === undefined) return;
    this.string(value, at, { min: 1, max: 255 });
    if (typeof value !== 'string') return;
    if (this.blockIds.has(value)) this.fail(at, `duplicate block_id: ${value}`);
    this.blockIds.add(value);
  }

  private list(
    value: unknown,
    at: string,
    max: number,
    each: (item: unknown, pointer: string) => void,
  ): void {
    if (!Array.isArray(value)) {
      this.fail(at, 'must provide an array');
      return;
    }
    if (value.length === 0) this.fail(at, 'must provide at least 1 item');
    if (value.length > max) this.fail(at, `no more than ${max} items allowed`);
    value.forEach((item, index) => {
      each(item, `${at}/${index}`);
    });
  }

  private object(value: unknown, at: string): Json | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(at, 'must provide an object');
      return undefined;
    }
    return value as Json;
  }

  private allowed(value: Json, at: string, keys: string[]): void {
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.fail(at, `invalid additional property: ${key}`);
    }
  }
}
