import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { currentUser, requireRole } from '../auth/require-role.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import { changeCustomerAccount, changeCustomerStatus, checkPasscode, createCustomer, replaceCustomer } from './customer-changes.js';
import { CustomerError } from './customer-error.js';
import {
  accountNumberSchema,
  accountUpdateSchema,
  customerIdSchema,
  customerInputSchema,
  customerListQuerySchema,
  customerListSchema,
  customerViewSchema,
  passcodeCheckSchema,
  passcodeMatchSchema,
  statusInputSchema,
} from './customer-schemas.js';
import { listCustomers, loadCustomerView } from './customer-store.js';

export interface CustomerRouteDeps {
  db: Kysely<Database>;
  now: () => Date;
  /**
   * Called after a change to any account (number, key, encrypted-only) has committed: the
   * receivers must answer from the new settings (directory reload, NOTIFY to the other node).
   */
  onAccountsChanged: () => Promise<void>;
}

// Customer data goes only to the roles that need it: admins write; supervisors and operators
// read (an operator handling an alarm reads the card and does the password callback). Guards and
// police are refused. Police will later read only the customers of incidents forwarded to them:
// that check needs the incident, so it belongs on an incident-scoped route, not here.
const READERS = ['admin', 'supervisor', 'operator'] as const;
const WRITERS = ['admin'] as const;

const CODE_STATUS: Record<CustomerError['code'], number> = { CUSTOMER_NOT_FOUND: 404, ACCOUNT_TAKEN: 409, ACCOUNTS_SPLIT: 409, NO_PASSCODE: 409 };

function asApiError(err: unknown): unknown {
  return err instanceof CustomerError ? new ApiError(CODE_STATUS[err.code], err.code, err.message) : err;
}

/** Customers and their accounts, zones, contacts and panel users: `/api/customers…`. */
export function registerCustomerRoutes(scope: FastifyInstance, deps: CustomerRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const doc = (summary: string, description?: string) => ({ tags: ['customers'], summary, ...(description ? { description } : {}), security: [{ bearer: [] }] });
  const context = (req: FastifyRequest) => ({ actor: currentUser(req).id, now: deps.now() });
  const accountsChanged = async (req: FastifyRequest) => {
    try {
      await deps.onAccountsChanged();
    } catch (err) {
      // The change is committed; the other node's NOTIFY and the restart path still carry it.
      req.log.error({ err }, 'receivers did not reload the accounts after a change');
    }
  };

  app.post(
    '/api/customers',
    { preHandler: requireRole(...WRITERS), schema: { ...doc('Create a customer with its accounts, zones, contacts and panel users'), body: customerInputSchema, response: { 201: customerViewSchema } } },
    async (req, reply) => {
      const view = await createCustomer(deps.db, req.body, context(req)).catch((err: unknown) => {
        throw asApiError(err);
      });
      await accountsChanged(req);
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/api/customers',
    { preHandler: requireRole(...READERS), schema: { ...doc('List customers', 'by part of the name, by account number, by service status; ordered by name'), querystring: customerListQuerySchema, response: { 200: customerListSchema } } },
    async (req) => listCustomers(deps.db, req.query),
  );

  app.get(
    '/api/customers/:id',
    { preHandler: requireRole(...READERS), schema: { ...doc('One customer, whole (no secret: only whether one is set)'), params: customerIdSchema, response: { 200: customerViewSchema } } },
    async (req) => {
      const view = await loadCustomerView(deps.db, req.params.id);
      if (!view) throw new ApiError(404, 'CUSTOMER_NOT_FOUND', `no customer ${req.params.id}`);
      return view;
    },
  );

  app.put(
    '/api/customers/:id',
    {
      preHandler: requireRole(...WRITERS),
      schema: { ...doc('Replace a customer', 'accounts it no longer lists are detached (kept, with their keys); absent write-only fields keep their stored value'), params: customerIdSchema, body: customerInputSchema, response: { 200: customerViewSchema } },
    },
    async (req) => {
      const view = await replaceCustomer(deps.db, req.params.id, req.body, context(req)).catch((err: unknown) => {
        throw asApiError(err);
      });
      await accountsChanged(req);
      return view;
    },
  );

  app.put(
    '/api/customers/:id/status',
    { preHandler: requireRole(...WRITERS), schema: { ...doc('Set the service status (on test: with its span)'), params: customerIdSchema, body: statusInputSchema, response: { 200: customerViewSchema } } },
    async (req) => {
      const view = await changeCustomerStatus(deps.db, req.params.id, req.body, context(req)).catch((err: unknown) => {
        throw asApiError(err);
      });
      await accountsChanged(req); // supervision stops or starts expecting its panels
      return view;
    },
  );

  app.delete(
    '/api/customers/:id',
    {
      preHandler: requireRole(...WRITERS),
      schema: { ...doc('Decommission a customer', 'nothing is deleted: incidents point at the customer; its accounts stay known to the receivers'), params: customerIdSchema, response: { 200: customerViewSchema } },
    },
    async (req) => {
      const view = await changeCustomerStatus(deps.db, req.params.id, { serviceStatus: 'decommissioned', onTest: null }, context(req), 'customer.decommission').catch((err: unknown) => {
        throw asApiError(err);
      });
      await accountsChanged(req);
      return view;
    },
  );

  app.put(
    '/api/customers/:id/accounts/:number',
    {
      preHandler: requireRole(...WRITERS),
      schema: {
        ...doc('Add an account to a customer, or change its AES key or encrypted-only flag', 'the key is write-only: responses say hasKey'),
        params: customerIdSchema.extend({ number: accountNumberSchema }),
        body: accountUpdateSchema,
        response: { 200: customerViewSchema },
      },
    },
    async (req) => {
      const view = await changeCustomerAccount(deps.db, req.params.id, { number: req.params.number, ...req.body }, context(req)).catch((err: unknown) => {
        throw asApiError(err);
      });
      await accountsChanged(req);
      return view;
    },
  );

  app.post(
    '/api/customers/:id/passcode-check',
    {
      preHandler: requireRole(...READERS),
      schema: {
        ...doc('Password callback (口令复核): check what the caller said', 'duress: the caller is under duress; the operator must not let it show on the phone'),
        params: customerIdSchema,
        body: passcodeCheckSchema,
        response: { 200: passcodeMatchSchema },
      },
    },
    async (req) => {
      const match = await checkPasscode(deps.db, req.params.id, req.body.code, context(req)).catch((err: unknown) => {
        throw asApiError(err);
      });
      return { match };
    },
  );
}
