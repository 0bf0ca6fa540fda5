import type { BulkSkipReason } from '../domain/bulk-eligibility';
import type { ReauthDraft, ReauthProblem } from '../domain/reauth-draft';
import type { BulkTarget } from '../store/bulk-actions';

/*
 * What the bulk ask's services hand to `blocks/` (issue 13): plain data, no Slack, no store documents.
 */

/** The most customers one bulk ask takes: its plan is one document, and its queue one pass. */
export const BULK_MAX_CUSTOMERS = 5_000;

/** The confirmation modal's content: who is asked, who is skipped and why, one email to preview. */
export interface BulkPlan {
  planId: string;
  asked: BulkTarget[];
  skipped: (BulkTarget & { reason: BulkSkipReason })[];
  /** The first asked customer's email, as the single flow's preview draws it; null when nobody is asked. */
  preview: { draft: ReauthDraft; problem: ReauthProblem } | null;
  cooldownHours: number;
  /** The selection was larger than BULK_MAX_CUSTOMERS: only the first ones are in the plan. */
  truncatedFrom: number | null;
}

/** A bulk ask's progress, for the Home and the alert channel's summary. */
export interface BulkProgress {
  bulkId: string;
  /** Customers Send set out to ask. */
  total: number;
  /** Still recording requests (each becomes queued, skipped or failed). */
  queuing: boolean;
  /** Requests recorded so far (queued, skipped or failed). */
  recorded: number;
  sent: number;
  /** Requests waiting for their email to go out. */
  pending: number;
  /** Could not be sent (a failure, a bounce, or an error recording it), by customer. */
  failed: { name: string; code: string }[];
  /** Skipped on the confirmation or at Send, by reason. */
  skipped: Partial<Record<BulkSkipReason, number>>;
  done: boolean;
  requestedBy: string;
}

/** The bulk part of one user's Home: what is ticked in the list shown, and their latest bulk ask. */
export interface HomeBulk {
  selectedCount: number;
  allSelected: boolean;
  /** Ids (hex) of the page's rows that are ticked. */
  selectedOnPage: ReadonlySet<string>;
  progress: BulkProgress | null;
}
