/**
 * Who may do what is decided by role, on every route:
 * - `admin`: customers, zones, contacts, guards, receivers, keys, users;
 * - `supervisor` (值班长): everything an operator does, plus the supervisor view and switchover;
 * - `operator` (值机员): the alarm queue and incident actions;
 * - `guard` (出勤护卫队员): the dispatch orders given to them;
 * - `police` (110 liaison): reads incidents forwarded to them, never writes.
 */
export const ROLES = ['admin', 'supervisor', 'operator', 'guard', 'police'] as const;

export type Role = (typeof ROLES)[number];

/** The signed-in user a route sees as `request.user` once `requireRole` has let it through. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}
