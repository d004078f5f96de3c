import { z } from 'zod';

const iso = z.string().describe('ISO 8601 UTC, the database clock');
const nodeId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).describe('an ARC_NODE_ID');

export const failoverStatusSchema = z.object({
  nodeId: z.string().describe('the node that answers'),
  role: z.enum(['leader', 'standby', 'single']).describe('leader: runs the consumers; standby: ready to take over; single: embedded database, the only node'),
  term: z.number().int().nullable().describe('the fencing term (this node’s while it leads, else the lease’s)'),
  holder: z.string().nullable().describe('the node holding the lease'),
  leaseExpiresAt: iso.nullable().describe('when the lease lapses unless renewed; null: never (single node)'),
  handoverTo: z.string().nullable().describe('a switchover asked for and not yet taken up'),
  spoolDepth: z.number().int().describe('receptions in the node\'s local spool (kept while the database could not take them), not yet in the journal'),
  database: z.enum(['pglite', 'postgres']),
  note: z.string().nullable(),
  nodes: z.array(z.object({ nodeId: z.string(), alive: z.boolean(), seenAt: iso, startedAt: iso })).describe('the nodes that run a lease keeper here'),
});

export const switchoverBodySchema = z.object({ to: nodeId }).strict();

export const switchoverResultSchema = z.object({
  from: z.string().nullable().describe('the node that led when the switchover was asked'),
  to: z.string(),
  done: z.boolean().describe('false: asked, but the target had not taken over within the wait (202)'),
  holder: z.string().nullable(),
  term: z.number().int().nullable(),
});
