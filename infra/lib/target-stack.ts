// LambdaChatopsTarget: the two roles the bot assumes in an account other than its own (DESIGN.md
// sections 5 and 8, issue 11), deployable to many accounts at once with a CloudFormation StackSet.
//
// - `lambda-chatops-reader`: the reads the bot makes (`status`, `versions`, the approval card) and
//   the metrics and alarms a rollout is judged on; assumable by both of the bot's functions.
// - `lambda-chatops-promoter`: `lambda:UpdateAlias` on the named functions only; assumable by the
//   bot's worker only (the Slack-facing function never moves an alias).
//
// Both trust policies trust the bot's account only through its two named roles (never a wildcard
// principal), allow sts:SetSourceIdentity (the bot names the Slack user whose action it is, so the
// target account's CloudTrail shows the person), and require the external id when one is given.
import { ArnFormat, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeTargetNagFindings } from './nag-acknowledgements';

export const READER_ROLE_NAME = 'lambda-chatops-reader';
export const PROMOTER_ROLE_NAME = 'lambda-chatops-promoter';

export interface TargetStackProps extends StackProps {
  /** The bot's Slack-facing function name (its roles are `<name>-handler` and `<name>-worker`). */
  botFunctionName: string;
  /** Names (not ARNs) of the functions the bot may read and promote in the target accounts. */
  functionNames: string[];
  /** The regions those functions run in (the roles are global, the functions regional). */
  regions: string[];
  /** When set, AssumeRole must pass exactly this external id. */
  externalId?: string;
}

export class TargetStack extends Stack {
  readonly reader: iam.Role;
  readonly promoter: iam.Role;

  constructor(scope: Construct, id: string, props: TargetStackProps) {
    super(scope, id, props);
    if (props.functionNames.length === 0) {
      throw new Error('LambdaChatopsTarget: name at least one function the bot may read and promote');
    }
    // A parameter, not a synthesis-time value: one template for every account of a StackSet.
    const botAccountId = new CfnParameter(this, 'BotAccountId', {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      description: 'The AWS account lambda-chatops runs in (its two functions assume these roles)',
    }).valueAsString;
    const botRole = (suffix: string) =>
      `arn:${this.partition}:iam::${botAccountId}:role/${props.botFunctionName}-${suffix}`;
    if (props.regions.length === 0) throw new Error('LambdaChatopsTarget: name the regions of its functions');
    const functions = props.regions.flatMap((region) =>
      props.functionNames.flatMap((name) => {
        const arn = this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          region,
        });
        return [arn, `${arn}:*`];
      }),
    );

    this.reader = this.role(
      READER_ROLE_NAME,
      botAccountId,
      [botRole('handler'), botRole('worker')],
      props.externalId,
    );
    this.reader.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadManagedFunctions',
        actions: [
          'lambda:GetAlias',
          'lambda:ListAliases',
          'lambda:ListVersionsByFunction',
          'lambda:GetFunctionConfiguration',
        ],
        resources: functions,
      }),
    );
    // GetMetricData has no resource-level permissions (AWS's Service Authorization Reference).
    this.reader.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRolloutMetrics',
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    this.reader.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadRolloutAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: props.regions.map((region) =>
          this.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            region,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );

    this.promoter = this.role(PROMOTER_ROLE_NAME, botAccountId, [botRole('worker')], props.externalId);
    acknowledgeTargetNagFindings(this.reader, this.promoter, props);
    this.promoter.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PromoteManagedFunctionAliases',
        // The worker reads the alias before moving it through the reader role.
        actions: ['lambda:UpdateAlias'],
        resources: functions,
      }),
    );
  }

  private role(
    roleName: string,
    account: string,
    trusted: string[],
    externalId: string | undefined,
  ): iam.Role {
    // The bot's account as principal, narrowed to its named roles with aws:PrincipalArn: a trust
    // policy naming a role ARN directly would break if that role were ever recreated.
    const conditions: Record<string, Record<string, unknown>> = {
      ArnEquals: { 'aws:PrincipalArn': trusted },
      ...(externalId ? { StringEquals: { 'sts:ExternalId': externalId } } : {}),
    };
    const role = new iam.Role(this, roleName, {
      roleName,
      description: `lambda-chatops ${roleName === READER_ROLE_NAME ? 'reads functions, metrics and alarms' : 'moves aliases'} here`,
      assumedBy: new iam.AccountPrincipal(account).withConditions(conditions),
    });
    role.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:SetSourceIdentity'],
        principals: [new iam.AccountPrincipal(account)],
        conditions: { ArnEquals: { 'aws:PrincipalArn': trusted } },
      }),
    );
    return role;
  }
}
