// The one description of the audit table's keys and indexes. The DynamoDB adapters build items
// with these names and the CDK stack in infra/ creates the table from them, so the two cannot
// drift apart. Single-table design: audit events and pending requests share the table.
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB may delete a request item (garbage collection only). */
  ttlAttribute: 'ttl',
  indexes: {
    /** A function's audit events, newest first: `FN#<key>` / `<at>#<requestId>#<seq>`. */
    byFunction: { name: 'byFunction', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** One alias's audit events, newest first: `FN#<key>#<alias>` / `<at>#<requestId>#<seq>`. */
    byAlias: { name: 'byAlias', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** Pending requests of a function (sparse: removed when the request ends): `PENDING#<key>` / created. */
    pending: { name: 'pending', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  },
} as const;
