import type { AuthorizationStatus, Effect } from './authorization';

/** Actions a person takes that are audited even when the authorization does not change. */
export type RecordedAction =
  | 'request.created'
  | 'request.created_during_cooldown'
  /** Sent to an address the customer marked as spam or unsubscribed from, with "Send anyway" ticked. */
  | 'request.created_despite_suppression'
  | 'request.retried'
  /** Reminders (src/reauth/reminders.ts): each one sent, the request running out, and Stop reminders. */
  | 'reminder.sent'
  | 'request.no_response'
  | 'reminders.stopped';

/** How the audit trail names a revision (DESIGN.md, "AuditEvent"). */
export type AuditAction =
  | RecordedAction
  | 'state.changed'
  | 'expiry.warned'
  | 'status.updated'
  | 'customer.updated';

/** The action of a revision: the one recorded on purpose, else what the transition changed. */
export function auditActionOf(revision: {
  record: RecordedAction | undefined;
  from: AuthorizationStatus;
  next: AuthorizationStatus;
  effects: Effect[];
  /** Whether the transition changed the status; a revision without that only changed the customer. */
  changed: boolean;
}): AuditAction {
  const { record, from, next, effects, changed } = revision;
  if (record) return record;
  if (!changed) return 'customer.updated';
  if (from.state !== next.state || from.reason !== next.reason) return 'state.changed';
  if (effects.some((e) => e.type === 'expiry.warning')) return 'expiry.warned';
  return 'status.updated';
}
