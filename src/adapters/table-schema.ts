// The one description of the audit table's keys and indexes. The DynamoDB adapters build items
// with these names and the CDK stack in infra/ creates the table from them, so the two cannot
// drift apart. Single-table design:
//
//   audit event     pk REQ#<requestId>   sk EV#<seq>            immutable, one per step of a request
//                   gsi1 FN#<function>           / <at>#<requestId>#<seq>   a function's history
//                   gsi2 FN#<function>#<alias>   / <at>#<requestId>#<seq>   one alias's history
//                   gsi3 (APPLIED events only) FN#<function>#<alias> / same   its applied changes
//                   gsi4 (events carrying a RevisionId the bot knows) same keys   its known states
//   heartbeat slot  pk HEARTBEAT#<job>#<slot>  sk SLOT       one periodic job's run in one period;
//                   carries `ttl`: DynamoDB garbage-collects it
//   card location   pk REQ#<requestId>   sk CARD                where the approval card is;
//                   carries `ttl` (the request's expiry + a day): DynamoDB garbage-collects it
//   lock events     pk REQ#<lockId>      sk EV#0001 (LOCKED), EV#0002 (UNLOCKED): audit events
//                   like a request's (requestId = the lock id L…, alias = the alias or `*`), in
//                   the same indexes, so a function's history shows its locks
//   function locks  pk LOCK#<function>   sk LOCKS               not an event: the function's locks
//                   in force (`locks`, JSON) and `version`, replaced whole by a conditional PutItem
//                   on the version read. One item per function holds its function-wide and alias
//                   locks, so the current lock is one GetItem and two racing lock commands cannot
//                   both be written (dynalite has no TransactWriteItems to check two items at once)
//   step claim      pk REQ#<requestId>   sk CLAIM#<step>        which invocation may call AWS
//   alias lease     pk OPEN#<function>   sk ALIAS#<alias>       the alias's one open request
//                   (requestId, requester, at), not an event: taken by a conditional PutItem when
//                   a request is made (attribute_not_exists(requestId) OR requestId = its own),
//                   let go by the request's ending event (a PutItem leaving no requestId), taken
//                   over (requestId = the holder's) when its holder is found ended or expired.
//                   No ttl: an approved request holds its alias however old it grows.
//
// A request's state is the fold of its events (one Query); a transition is a conditional PutItem
// of the next event (attribute_not_exists), so concurrent writers cannot both take a step.
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB may delete an item (card locations only; never events). */
  ttlAttribute: 'ttl',
  indexes: {
    /** A function's audit events, newest first. */
    byFunction: { name: 'byFunction', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** One alias's audit events, newest first. */
    byAlias: { name: 'byAlias', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /**
     * One alias's APPLIED events, newest first (sparse: only they carry its keys). `status` and
     * `rollback` read the last applied change with one item, however long the history grows.
     */
    appliedByAlias: { name: 'appliedByAlias', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /**
     * One alias's known states, newest first (sparse): the events whose RevisionId is a state of
     * the alias the bot made or accepted (APPLIED, SHIFTED, ROLLED_BACK, ADOPTED). The drift check
     * compares the alias with the newest one: one item per alias and check.
     */
    knownByAlias: { name: 'knownByAlias', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  },
} as const;
