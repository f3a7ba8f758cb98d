import { USAGE } from '../../domain/parse-command';
import { context, header, type Message, section } from './common';

const EXAMPLES = [
  ['`/lambda list`', 'the functions this bot manages, with their aliases'],
  ['`/lambda status orders`', 'each alias: version, when and by whom it last changed, pending requests'],
  ['`/lambda versions orders --limit 5`', 'the newest versions and which aliases point at them'],
  ['`/lambda promote orders test→prod`', 'ask to point prod at the version test runs now (also `->`, `to`)'],
  ['`/lambda promote orders prod 42`', 'ask to point prod at version 42'],
  ['`/lambda rollback orders prod`', 'ask to point prod back at its version before the last change'],
  ['`/lambda history orders prod`', 'the audit trail, newest first'],
  ['`/lambda cancel R7K2M9QX4`', 'withdraw your pending request'],
  [
    '`/lambda promote orders test→prod --canary 10% --bake 10m`',
    "send prod's new version 10% of the traffic for 10 minutes, judged by its own errors, then 100%",
  ],
  ['`/lambda promote orders test→prod --linear 25% --every 5m`', '25%, 50%, 75%, then 100%, 5 minutes each'],
  [
    '`/lambda promote orders test→prod --override hotfix for INC-42`',
    'through a freeze window: says why, and needs one more approval',
  ],
  ['`/lambda lock orders prod --for 2h migrating the database`', "hold prod: others' requests wait"],
  ['`/lambda unlock orders prod`', 'end that lock (`/lambda locks` lists them all)'],
];

export function helpMessage(): Message {
  return {
    text: 'lambda-chatops: release Lambda functions from Slack',
    blocks: [
      header('Release Lambda functions from Slack'),
      section(EXAMPLES.map(([command, what]) => `${command}\n${what}`).join('\n\n')),
      context(
        'Changes are requests: a teammate approves them with a button, the alias moves only if nobody moved it meanwhile, and every step is recorded.',
      ),
      context(
        `Usage: ${Object.values(USAGE)
          .map((usage) => `\`${usage}\``)
          .join('  ·  ')}`,
      ),
    ],
  };
}
