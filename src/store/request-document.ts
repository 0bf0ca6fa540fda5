import type { Types } from 'mongoose';
import type { AuthorizationState, BadLoginReason } from '../domain/authorization';
import type { RequestStatus } from '../domain/reauth-request';

/** One reauth request as stored (DESIGN.md, "ReauthRequest"): read by the request store and its send queue. */
export interface ReauthRequestDocument {
  _id: Types.ObjectId;
  /** Derived from the Slack view that sent it: a double submit or Slack retry finds this one. */
  idempotencyKey: string;
  authorizationId: Types.ObjectId;
  recipient: { name: string; email: string };
  utility: string;
  problem: { state: AuthorizationState; reason: BadLoginReason | null };
  note: string | null;
  requestedBy: { teamId: string; userId: string };
  sendAnyway: boolean;
  status: RequestStatus;
  statusAt: Date;
  platformForm: { uid: string; url: string } | null;
  sendgridMessageId: string | null;
  attempts: number;
  nextAttemptAt: Date;
  /**
   * Set while a send attempt is in flight (claimed, calling SendGrid, or waiting for its event); a crash
   * leaves it set, and the attempt's records (store/send-claims.ts) say what may happen next.
   */
  sendingSince: Date | null;
  /** Set when the attempt's outcome is unknown: SendGrid's event is awaited until then, then Send again. */
  confirmBy: Date | null;
  lastError: { code: string; message: string } | null;
  sentAt: Date | null;
  /** Reminders sent after the first email (src/reauth/reminders.ts); absent on older requests. */
  remindersSent?: number;
  /** The Slack user who clicked Stop reminders, and when; absent or null while reminders run. */
  remindersStoppedBy?: string | null;
  remindersStoppedAt?: Date | null;
  createdAt: Date;
  /** Set by mongoose on every write: what the worklist re-reads when other processes write too. */
  updatedAt: Date;
}
