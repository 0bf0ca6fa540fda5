import type { ReminderNext } from '../domain/reminders';
import type { ReauthEmail } from '../email/reauth-email';

/** What the reminder preview modal shows (blocks/reminder-messages.ts). */
export interface ReminderPreview {
  customerName: string;
  /** The full address; the preview shows it masked. */
  sentTo: string;
  /** Which reminder the preview is of, from 1. */
  number: number;
  email: ReauthEmail;
}

/** The schedule of a request's reminders, as the notice and the Home show it. */
export interface ReminderSchedule {
  requestId: string;
  next: ReminderNext;
  /** Reminders sent so far. */
  sent: number;
}
