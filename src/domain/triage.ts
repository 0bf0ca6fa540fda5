import type { Effect } from './authorization';

/**
 * Triage of an incident (DESIGN.md, "Incident"): who is on it, a snooze, or a dismissal with a reason.
 * Pure: what each command does, what the platform's news undoes, and what lists hide.
 */

/** How long a snooze lasts, in days: the choices offered. */
export const SNOOZE_DAYS = [1, 3, 7] as const;
export type SnoozeDays = (typeof SNOOZE_DAYS)[number];

export const DISMISS_REASONS = ['customer_churned', 'duplicate', 'handled_elsewhere'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

/** The triage of the current incident, as stored on the authorization. User ids are Slack's. */
export interface Triage {
  assignee: string | null;
  assignedAt: Date | null;
  snoozedUntil: Date | null;
  snoozedBy: string | null;
  dismissedReason: DismissReason | null;
  dismissedBy: string | null;
  dismissedAt: Date | null;
}

export const NO_TRIAGE: Triage = {
  assignee: null,
  assignedAt: null,
  snoozedUntil: null,
  snoozedBy: null,
  dismissedReason: null,
  dismissedBy: null,
  dismissedAt: null,
};

/** What a person asked for. */
export type TriageCommand =
  | { kind: 'assign' }
  | { kind: 'unassign' }
  | { kind: 'snooze'; days: SnoozeDays }
  | { kind: 'unsnooze' }
  | { kind: 'dismiss'; reason: DismissReason }
  | { kind: 'reopen' };
export type TriageCommandKind = TriageCommand['kind'];

/**
 * What the notice's thread and the history say happened. `by` is null when the platform, not a person,
 * caused it (a new problem reopens a dismissed or snoozed incident).
 */
export type TriageChange =
  | { kind: 'assigned'; by: string }
  | { kind: 'unassigned'; by: string }
  | { kind: 'snoozed'; by: string; until: Date; days: SnoozeDays }
  | { kind: 'unsnoozed'; by: string }
  | { kind: 'dismissed'; by: string; reason: DismissReason }
  | { kind: 'reopened'; by: string | null };

const DAY_MS = 86_400_000;

/** A stored triage, possibly absent or from before a field existed, as a whole `Triage`. */
export const triageOf = (stored: Partial<Triage> | null | undefined): Triage => ({
  ...NO_TRIAGE,
  ...(stored ?? {}),
});

/** The triage after `command` by `userId` at `now`, and what to tell; null change when nothing changes. */
export function applyTriage(
  current: Triage,
  command: TriageCommand,
  userId: string,
  now: Date,
): { next: Triage; change: TriageChange | null } {
  switch (command.kind) {
    case 'assign':
      if (current.assignee === userId) return { next: current, change: null };
      return {
        next: { ...current, assignee: userId, assignedAt: now },
        change: { kind: 'assigned', by: userId },
      };
    case 'unassign':
      if (!current.assignee) return { next: current, change: null };
      return {
        next: { ...current, assignee: null, assignedAt: null },
        change: { kind: 'unassigned', by: userId },
      };
    case 'snooze': {
      const until = new Date(now.getTime() + command.days * DAY_MS);
      return {
        next: { ...current, snoozedUntil: until, snoozedBy: userId },
        change: { kind: 'snoozed', by: userId, until, days: command.days },
      };
    }
    case 'unsnooze':
      if (!current.snoozedUntil) return { next: current, change: null };
      return {
        next: { ...current, snoozedUntil: null, snoozedBy: null },
        change: { kind: 'unsnoozed', by: userId },
      };
    case 'dismiss':
      if (current.dismissedReason === command.reason) return { next: current, change: null };
      return {
        next: { ...current, dismissedReason: command.reason, dismissedBy: userId, dismissedAt: now },
        change: { kind: 'dismissed', by: userId, reason: command.reason },
      };
    case 'reopen':
      if (!current.dismissedReason && !current.snoozedUntil) return { next: current, change: null };
      return { next: withoutHold(current), change: { kind: 'reopened', by: userId } };
  }
}

const withoutHold = (t: Triage): Triage => ({
  ...t,
  snoozedUntil: null,
  snoozedBy: null,
  dismissedReason: null,
  dismissedBy: null,
  dismissedAt: null,
});

/**
 * The triage after the platform's news. A resolved incident ends its triage (the next incident starts
 * unassigned). A new or changed problem ends a snooze or a dismissal: the incident is back in the lists,
 * and the thread says it reopened. An assignee stays on a changed problem.
 */
export function triageAfterEffects(
  current: Triage,
  effects: readonly Effect[],
): { next: Triage; reopened: boolean } {
  if (effects.some((e) => e.type === 'incident.resolved')) {
    return { next: NO_TRIAGE, reopened: false };
  }
  const newProblem = effects.some((e) => e.type === 'incident.opened' || e.type === 'incident.changed');
  if (!newProblem || (!current.dismissedReason && !current.snoozedUntil)) {
    return { next: current, reopened: false };
  }
  return { next: withoutHold(current), reopened: true };
}

export const isSnoozed = (t: Pick<Triage, 'snoozedUntil'>, now: Date): boolean =>
  t.snoozedUntil !== null && t.snoozedUntil.getTime() > now.getTime();

export const isDismissed = (t: Pick<Triage, 'dismissedReason'>): boolean => t.dismissedReason !== null;

export const sameTriage = (a: Triage, b: Triage): boolean =>
  (Object.keys(NO_TRIAGE) as (keyof Triage)[]).every((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });

/** The audit action of a triage revision (DESIGN.md, "AuditEvent"). */
export const triageAuditAction = (command: TriageCommand): string => `triage.${command.kind}`;

/**
 * The triage step of one revision: the platform's effects first (they may reopen or end the
 * incident's triage), then the person's command, if any. `effects` are what to add to the revision's.
 */
export function triageRevision(
  current: Triage,
  effects: readonly Effect[],
  asked: { command: TriageCommand; userId: string } | undefined,
  now: Date,
): { next: Triage; effects: Effect[]; changed: boolean } {
  const added: Effect[] = [];
  const afterNews = triageAfterEffects(current, effects);
  if (afterNews.reopened) added.push({ type: 'incident.triaged', change: { kind: 'reopened', by: null } });
  let next = afterNews.next;
  if (asked) {
    const applied = applyTriage(next, asked.command, asked.userId, now);
    next = applied.next;
    if (applied.change) added.push({ type: 'incident.triaged', change: applied.change });
  }
  return { next, effects: added, changed: !sameTriage(current, next) };
}

/** What lists keep and show of a triage: who is on it, until when it sleeps, why it was dismissed. */
export type TriageSummary = Pick<Triage, 'assignee' | 'snoozedUntil' | 'dismissedReason' | 'dismissedBy'>;

/** The summary lists keep, or null when nothing about the triage shows (nothing to keep in memory). */
export const triageSummaryOf = (t: Triage): TriageSummary | null =>
  t.assignee || t.snoozedUntil || t.dismissedReason
    ? {
        assignee: t.assignee,
        snoozedUntil: t.snoozedUntil,
        dismissedReason: t.dismissedReason,
        dismissedBy: t.dismissedBy,
      }
    : null;

/** Whether the incident is out of the work tabs at `now`: dismissed, or snoozed until later. */
export const isSetAside = (t: TriageSummary | null, now: Date): boolean =>
  t !== null && (isDismissed(t) || isSnoozed(t, now));
