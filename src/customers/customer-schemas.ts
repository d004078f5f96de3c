import { z } from 'zod';
import { parseDc09Key } from '../protocols/dc09/dc09-key.js';
import { ZONE_TYPES } from './customer-card.js';

/**
 * The customer as the API and `arc import` take and give it: one set of schemas, so that an
 * imported row is checked exactly like a request body, and /docs describes both.
 *
 * Write-only fields (`passcode`, `duressCode`, an account's `aesKey`): absent keeps what is
 * stored, null removes it, a value replaces it. Responses never carry them, only `has…` flags,
 * so a client may send back what it read and lose nothing.
 */

export const CONTRACT_TYPES = ['buy_out', 'lease'] as const;
export const SERVICE_STATUSES = ['in_service', 'suspended', 'on_test', 'decommissioned'] as const;

/** DC-09 accounts are 3-16 hex characters; Contact ID's 4 digits (B-F allowed) fit too. */
export const accountNumberSchema = z.string().regex(/^[0-9A-Fa-f]{3,16}$/, 'an account number is 3-16 hex digits');

const text = (max: number) => z.string().trim().min(1).max(max);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM, 00:00-23:59');

export const aesKeySchema = z.string().superRefine((key, ctx) => {
  const parsed = parseDc09Key(key);
  // The message names lengths only: a key must never be echoed, not even in an error.
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message });
});

export const accountInputSchema = z.object({
  number: accountNumberSchema,
  aesKey: aesKeySchema.nullable().optional().describe('write-only: 32/48/64 hex digits or 16/24/32 characters (`hex:`/`ascii:` to say which); absent keeps the stored key, null removes it'),
  encryptedOnly: z.boolean().default(false).describe('plain frames from this account are refused (ENCRYPTION_REQUIRED)'),
});

export const zoneSchema = z.object({
  account: accountNumberSchema,
  number: z.number().int().min(0).max(9999),
  name: text(100),
  location: z.string().trim().max(200).default(''),
  type: z.enum(ZONE_TYPES),
  principle: z.string().trim().min(1).max(50).nullable().default(null).describe('detection principle: pir, contact, glass_break, vibration, smoke…'),
  linkedGroup: z.string().trim().min(1).max(50).nullable().default(null).describe('zones of one group are adjacent for linked-zone verification'),
});

export const panelUserSchema = z.object({
  account: accountNumberSchema,
  number: z.number().int().min(0).max(9999),
  name: text(100),
});

export const phoneSchema = z.string().regex(/^\+?[0-9][0-9 -]{2,24}$/, 'a phone number is digits, spaces and dashes, optionally after +');

export const contactSchema = z.object({
  name: text(100),
  relation: z.string().trim().max(50).default(''),
  phones: z.array(phoneSchema).min(1).max(5),
});

export const weeklyWindowSchema = z
  .object({ day: z.number().int().min(1).max(7).describe('ISO weekday, 1 Monday … 7 Sunday'), open: hhmm, close: hhmm })
  .refine((w) => w.open < w.close, { message: 'open must be before close (a night spans two windows)', path: ['close'] });

const onTestSchema = z
  .object({ from: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }) })
  .refine((s) => Date.parse(s.from) < Date.parse(s.until), { message: 'from must be before until', path: ['until'] });

const secretSchema = z.string().min(4, 'at least 4 characters').max(32);

const statusFields = {
  serviceStatus: z.enum(SERVICE_STATUSES),
  onTest: onTestSchema.nullable().default(null).describe('required while serviceStatus is on_test, null otherwise'),
};

function checkStatus(value: { serviceStatus: string; onTest: unknown }, ctx: z.RefinementCtx): void {
  if (value.serviceStatus === 'on_test' && value.onTest === null) ctx.addIssue({ code: 'custom', path: ['onTest'], message: 'a customer on test needs onTest {from, until}' });
  if (value.serviceStatus !== 'on_test' && value.onTest !== null) ctx.addIssue({ code: 'custom', path: ['onTest'], message: 'onTest is only for serviceStatus on_test' });
}

export const customerInputSchema = z
  .object({
    name: text(200),
    address: text(300),
    position: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).nullable().default(null),
    contractType: z.enum(CONTRACT_TYPES),
    ...statusFields,
    passcode: secretSchema.nullable().optional().describe('write-only, for the password callback (口令复核); absent keeps, null removes'),
    duressCode: secretSchema.nullable().optional().describe('write-only; a caller giving it is under duress; absent keeps, null removes'),
    accounts: z.array(accountInputSchema).min(1).max(16),
    zones: z.array(zoneSchema).max(1000).default([]),
    contacts: z.array(contactSchema).max(20).default([]).describe('the emergency call list, in calling order'),
    panelUsers: z.array(panelUserSchema).max(1000).default([]),
    reportingIntervalS: z.number().int().min(60).max(7 * 86_400).nullable().default(null).describe('seconds; null: not supervised'),
    schedule: z.array(weeklyWindowSchema).max(50).nullable().default(null),
    guardArea: z.string().trim().min(1).max(100).nullable().default(null),
    videoLinks: z.array(z.url().max(500)).max(20).default([]),
  })
  .superRefine((c, ctx) => {
    checkStatus(c, ctx);
    const numbers = c.accounts.map((a) => a.number);
    numbers.forEach((n, i) => {
      if (numbers.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'number'], message: `account ${n} is listed twice` });
    });
    for (const [field, list] of [['zones', c.zones], ['panelUsers', c.panelUsers]] as const) {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (!numbers.includes(item.account)) ctx.addIssue({ code: 'custom', path: [field, i, 'account'], message: `account ${item.account} is not one of this customer's accounts` });
        const key = `${item.account}/${item.number}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [field, i, 'number'], message: `${key} is listed twice` });
        seen.add(key);
      });
    }
    if (typeof c.passcode === 'string' && c.passcode === c.duressCode) {
      ctx.addIssue({ code: 'custom', path: ['duressCode'], message: 'the duress code must differ from the passcode' });
    }
  });

export type CustomerInput = z.output<typeof customerInputSchema>;
export type AccountInput = z.output<typeof accountInputSchema>;

export const statusInputSchema = z.object(statusFields).superRefine(checkStatus);
export type StatusInput = z.output<typeof statusInputSchema>;

export const accountUpdateSchema = accountInputSchema.omit({ number: true });

export const passcodeCheckSchema = z.object({ code: z.string().min(1).max(64) });
export const passcodeMatchSchema = z.object({
  match: z.enum(['passcode', 'duress', 'none']).describe('duress: the caller is under duress; do not let it show on the phone'),
});

export const customerIdSchema = z.object({ id: z.uuid() });

export const customerListQuerySchema = z.object({
  name: z.string().trim().min(1).max(200).optional().describe('part of the name, any case'),
  account: accountNumberSchema.optional(),
  status: z.enum(SERVICE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const zoneViewSchema = zoneSchema.extend({ principle: z.string().nullable(), linkedGroup: z.string().nullable(), location: z.string() });

/** A customer as a response shows it: no secret, only whether one is set. */
export const customerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  position: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  contractType: z.enum(CONTRACT_TYPES),
  serviceStatus: z.enum(SERVICE_STATUSES),
  onTest: z.object({ from: z.string(), until: z.string() }).nullable(),
  hasPasscode: z.boolean(),
  hasDuressCode: z.boolean(),
  accounts: z.array(z.object({ number: z.string(), hasKey: z.boolean(), encryptedOnly: z.boolean() })),
  zones: z.array(zoneViewSchema),
  contacts: z.array(z.object({ order: z.number(), name: z.string(), relation: z.string(), phones: z.array(z.string()) })),
  panelUsers: z.array(z.object({ account: z.string(), number: z.number(), name: z.string() })),
  reportingIntervalS: z.number().nullable(),
  schedule: z.array(z.object({ day: z.number(), open: z.string(), close: z.string() })).nullable(),
  guardArea: z.string().nullable(),
  videoLinks: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomerView = z.output<typeof customerViewSchema>;

export const customerSummarySchema = customerViewSchema.pick({ id: true, name: true, address: true, serviceStatus: true, guardArea: true }).extend({ accounts: z.array(z.string()) });
export type CustomerSummary = z.output<typeof customerSummarySchema>;

export const customerListSchema = z.object({ total: z.number(), customers: z.array(customerSummarySchema) });
