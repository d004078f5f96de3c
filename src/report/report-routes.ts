import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requireRole } from '../auth/require-role.js';
import type { Database } from '../store/database-schema.js';
import { monthlyReport } from './monthly-report-service.js';
import { REPORT_FORMATS, renderReport } from './report-format.js';
import { DEFAULT_TIME_ZONE, MONTH_PATTERN } from './report-month.js';

export interface ReportRouteDeps {
  db: Kysely<Database>;
  now: () => Date;
  /** The centre's time zone, whose calendar months are reported (default Asia/Shanghai). */
  timeZone?: string;
}

export const monthlyQuerySchema = z.object({
  month: z.string().regex(MONTH_PATTERN, 'the month is YYYY-MM, e.g. 2026-11').describe("the centre's calendar month, YYYY-MM"),
  format: z.enum(REPORT_FORMATS).default('json'),
});

// The HTML page runs nothing and loads nothing: its own inline style only.
const HTML_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
};

/**
 * The monthly service-quality report (月度服务质量报告): `GET /api/reports/monthly`, for
 * supervisors and admins. JSON (the MonthlyReport), CSV (a download) or a printable HTML page.
 */
export function registerReportRoutes(scope: FastifyInstance, deps: ReportRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/reports/monthly',
    {
      preHandler: requireRole('supervisor', 'admin'),
      schema: {
        tags: ['reports'],
        summary: 'The monthly service-quality report',
        description: 'online rate, 110 forwards, alarms and false alarms, false dispatches, acknowledgement times, guard arrivals, tickets and complaints within deadline; a month still running is reported up to now',
        security: [{ bearer: [] }],
        querystring: monthlyQuerySchema,
      },
    },
    async (req, reply) => {
      const report = await monthlyReport(deps.db, { month: req.query.month, timeZone: deps.timeZone ?? DEFAULT_TIME_ZONE, now: deps.now().getTime() });
      const { body, contentType, fileName } = renderReport(report, req.query.format);
      if (req.query.format === 'csv') void reply.header('content-disposition', `attachment; filename="${fileName}"`);
      if (req.query.format === 'html') void reply.headers(HTML_HEADERS);
      return reply.type(contentType).send(body);
    },
  );
}
