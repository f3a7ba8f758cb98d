// Which AWS client (Lambda, CloudWatch) reaches a configured function (DESIGN.md sections 5 and 6,
// issue 11). A
// function in the bot's own account and region uses the bot's own client and credentials, as
// always (no STS). One in another region gets a client for that region. One in an account listed
// under `accounts` gets credentials of that account's reader role (reads) or promoter role
// (UpdateAlias, the worker only), assumed for the person the bot is acting for. Functions of the
// same account and region share clients and credentials.
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AccountSettings } from '../domain/config-model';
import type { ChatopsConfig } from '../domain/model';
import { currentActing } from './acting-identity';
import type { AssumedRoles, TemporaryCredentials } from './assumed-roles';

export type RoleKind = 'reader' | 'promoter';

/** The client that reaches `functionName` (a configured `functionName`: a name or an ARN). */
export type ClientSource<Client> = ((functionName: string) => Promise<Client>) & {
  /** Where the configuration says the function is, for errors: `functions.<key>` in account …, region …. */
  whereIs?: (functionName: string) => string | undefined;
};
export type LambdaClientSource = ClientSource<LambdaClient>;

/** What every SDK client has that this module uses. */
interface AwsClient {
  config: { region: () => Promise<string> };
  destroy(): void;
}

interface Location {
  region: string | undefined;
  account: AccountSettings | undefined;
  /** The configuration key, for errors. */
  key: string;
}

/** A client source that always answers the same client: one account, one region. */
export const singleClient =
  (client: LambdaClient): LambdaClientSource =>
  async () =>
    client;

export interface ClientOptions<Client> {
  /** The bot's own client: its account, region and credentials. */
  base: Client;
  config: ChatopsConfig;
  kind: RoleKind;
  /** Needed only when `accounts` lists other accounts. */
  roles?: AssumedRoles;
}

export function lambdaClients(options: ClientOptions<LambdaClient>): LambdaClientSource {
  return awsClients(options, (settings) => new LambdaClient(settings));
}

/** Clients of one kind (`make`) for the configured functions, as the header says. */
export function awsClients<Client extends AwsClient>(
  options: ClientOptions<Client>,
  make: (settings: { region: string; credentials?: TemporaryCredentials }) => Client,
): ClientSource<Client> {
  const { base, config, kind, roles } = options;
  const locations = new Map<string, Location>();
  for (const fn of Object.values(config.functions)) {
    const account =
      fn.account !== undefined && Object.hasOwn(config.accounts, fn.account)
        ? config.accounts[fn.account]
        : undefined;
    locations.set(fn.functionName, { region: fn.region, account, key: fn.key });
  }
  const regional = new Map<string, Client>();
  const assumed = new Map<string, { credentials: TemporaryCredentials; client: Client }>();
  const clientIn = (region: string) => {
    let client = regional.get(region);
    if (!client) {
      client = make({ region });
      regional.set(region, client);
    }
    return client;
  };
  const source: ClientSource<Client> = async (functionName) => {
    const location = locations.get(functionName);
    const baseRegion = await base.config.region();
    const region = location?.region ?? baseRegion;
    if (!location?.account) return region === baseRegion ? base : clientIn(region);
    if (!roles) throw new Error('awsClients: `accounts` is configured but no AssumedRoles was given');
    const settings = location.account;
    const acting = currentActing() ?? { user: 'system', purpose: 'bot' };
    const roleArn = kind === 'reader' ? settings.readerRoleArn : settings.promoterRoleArn;
    const credentials = await roles.credentials(
      {
        roleArn,
        ...(settings.externalId ? { externalId: settings.externalId } : {}),
        configPath: `accounts.'${settings.accountId}'.${kind}RoleArn`,
      },
      acting.user,
      acting.purpose,
    );
    const cacheKey = `${region}\n${roleArn}\n${acting.user}`;
    const cached = assumed.get(cacheKey);
    if (cached && cached.credentials === credentials) return cached.client;
    cached?.client.destroy();
    const client = make({ region, credentials });
    assumed.set(cacheKey, { credentials, client });
    return client;
  };
  source.whereIs = (functionName) => {
    const location = locations.get(functionName);
    // The bot's own account and region: AWS's "in this account and region" says it all.
    if (!location || (!location.account && !location.region)) return undefined;
    const account = location.account ? `account ${location.account.accountId}` : "the bot's own account";
    const region = location.region ? `region ${location.region}` : "the bot's own region";
    return `\`functions.${location.key}\` says ${account}, ${region}`;
  };
  return source;
}
