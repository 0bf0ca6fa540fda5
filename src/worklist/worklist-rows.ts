import { Types } from 'mongoose';
import { triageOf, triageSummaryOf } from '../domain/triage';
import type { WorklistItem } from '../domain/worklist';
import type { WorklistAuthorizationRow } from '../store/worklist-source';
import type { IndexedAuthorization, IndexedEntry } from './worklist-index';

/*
 * One authorization in the worklist's three shapes: the row read from the database, the compact entry
 * the index keeps (times as epoch milliseconds, see worklist-index.ts), and the item lists render.
 */

const time = (date: Date | null | undefined): number | null => (date ? date.getTime() : null);
const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export const indexed = (row: WorklistAuthorizationRow): IndexedAuthorization => ({
  id: row._id.toHexString(),
  workspaceId: row.workspaceId,
  version: row.version ?? 0,
  name: row.customer?.name ?? null,
  email: row.customer?.email ?? null,
  utility: row.utility ?? '',
  state: row.state,
  reason: row.reason ?? null,
  expiresAt: time(row.expiresAt),
  declinedAt: time(row.declinedAt),
  revokedAt: time(row.revokedAt),
  incidentOpen: row.incidentOpen ?? false,
  incidentSince: time(row.incidentSince),
  updatedAt: time(row.updatedAt),
  // Rows read straight from the driver carry stored dates; triageOf keeps them as they are.
  triage: row.triage ? triageSummaryOf(triageOf(row.triage)) : null,
});

export const itemOf = (entry: IndexedEntry): WorklistItem => ({
  _id: Types.ObjectId.createFromHexString(entry.id),
  customer: { name: entry.name, email: entry.email },
  utility: entry.utility,
  state: entry.state,
  reason: entry.reason,
  expiresAt: date(entry.expiresAt),
  declinedAt: date(entry.declinedAt),
  revokedAt: date(entry.revokedAt),
  incidentOpen: entry.incidentOpen,
  incidentSince: date(entry.incidentSince),
  triage: entry.triage,
});
