import { z } from 'zod';
import { accountNumberSchema } from '../customers/customer-schemas.js';
import { COUNTS_AS, MAX_GRACE_S, MAX_INTERVAL_S, MIN_INTERVAL_S } from './supervision-settings.js';

const iso = z.string().describe('ISO 8601 UTC');

export const overviewQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(500).describe('late accounts listed at most (longest late first); `late` counts them all'),
});

export const overviewSchema = z.object({
  at: iso,
  rate: z.number().nullable().describe('online / inService; null when nothing is in service'),
  warning: z.boolean().describe(`true under the warning threshold`),
  threshold: z.number(),
  inService: z.number().int(),
  online: z.number().int(),
  late: z.number().int(),
  excluded: z.number().int().describe('supervised accounts suspended, on test or decommissioned'),
  unsupervised: z.number().int().describe('accounts with no reporting interval: never late, not in the rate'),
  lateAccounts: z.array(
    z.object({
      account: z.string(),
      customerId: z.string().nullable(),
      customerName: z.string().nullable(),
      lateSince: iso,
      lastReportAt: iso.nullable(),
      intervalS: z.number(),
      graceS: z.number(),
    }),
  ),
  receivers: z.array(
    z.object({
      receiver: z.string(),
      node: z.string(),
      status: z.enum(['up', 'silent', 'disconnected', 'pending']),
      since: iso.nullable(),
      reason: z.string().nullable(),
      trouble: z.boolean(),
    }),
  ),
});

export const rateQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).describe('start of the period, ISO 8601'),
  until: z.iso.datetime({ offset: true }).optional().describe('end of the period (default and at most: now)'),
});

export const rateSchema = z.object({
  from: iso,
  until: iso,
  rate: z.number().nullable().describe('time in service and online / time in service, summed over accounts; null when none was in service'),
  warning: z.boolean(),
  accounts: z.number().int().describe('accounts in service for some of the period'),
  onlineAccountSeconds: z.number(),
  lateAccountSeconds: z.number(),
});

export const accountParamsSchema = z.object({ number: accountNumberSchema });

export const accountSettingsInputSchema = z.object({
  intervalS: z.number().int().min(MIN_INTERVAL_S).max(MAX_INTERVAL_S).nullable().describe("seconds; null: the customer's reporting interval"),
  graceS: z.number().int().min(0).max(MAX_GRACE_S).nullable().describe('seconds; null: one interval, at most an hour'),
  countsAs: z.enum(COUNTS_AS as ['any', 'tests']).describe('any: every reception proves the panel alive; tests: only NULL polls and test reports'),
});

export const accountSettingsSchema = accountSettingsInputSchema.extend({ account: z.string() });

export type AccountSettingsInput = z.infer<typeof accountSettingsInputSchema>;
