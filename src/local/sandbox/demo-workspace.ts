// The sandbox's Slack workspace: who can be picked on the playground page, the channels, the user
// group that sandbox.config.yml names. Ids follow Slack's shapes so mentions render as in Slack.
import type { SlackChannel } from '../stand-ins/slack-api';

export interface DemoUser {
  id: string;
  name: string;
  /** What the person does in the tour: the page shows it next to the name. */
  role: string;
}

export const DEMO_TEAM = { id: 'T0SANDBOX', domain: 'sandbox', name: 'Sandbox' };

export const DEMO_BOT = { userId: 'U0CHATOPS', botId: 'B0CHATOPS', name: 'lambda-chatops' };

/** The scopes manifest.yml asks for: with chat:write.public only private channels need response_url. */
export const DEMO_BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'usergroups:read'];

export const DEMO_USERS: DemoUser[] = [
  { id: 'U0DANA', name: 'Dana', role: 'developer' },
  { id: 'U0AVI', name: 'Avi', role: 'approver' },
  { id: 'U0PRIYA', name: 'Priya', role: 'prod approver' },
  { id: 'U0SAM', name: 'Sam', role: 'prod approver' },
];

export interface DemoGroup {
  id: string;
  handle: string;
  members: string[];
}

export const DEMO_GROUPS: DemoGroup[] = [
  { id: 'S0RELEASE', handle: 'release-approvers', members: ['U0AVI', 'U0PRIYA', 'U0SAM'] },
];

export interface DemoChannel extends SlackChannel {
  topic: string;
}

export const DEMO_CHANNELS: DemoChannel[] = [
  {
    id: 'C0RELEASES',
    name: 'releases',
    botIsMember: true,
    topic: 'The bot is a member: cards are posted with chat.postMessage and updated with chat.update',
  },
  {
    id: 'G0ORDERSTEAM',
    name: 'orders-team',
    isPrivate: true,
    botIsMember: false,
    topic: 'Private, and the bot was not added: it can answer only through response_url',
  },
];

export function isDemoUser(id: unknown): id is string {
  return DEMO_USERS.some((user) => user.id === id);
}

export function demoChannel(id: unknown): DemoChannel | undefined {
  return DEMO_CHANNELS.find((channel) => channel.id === id);
}
