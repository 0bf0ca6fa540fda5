import { z } from 'zod';
import { DISMISS_REASONS, SNOOZE_DAYS, type TriageCommand } from '../domain/triage';
import { codec } from './metadata';

/*
 * Typed codecs (STYLE.md §5) for triage and history: the button values, menu option values and the
 * history modal's private_metadata. Values carry ids and the command, never records.
 */

const Id = z.string().min(1).max(200);

const TriageCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assign') }),
  z.object({ kind: z.literal('unassign') }),
  z.object({ kind: z.literal('snooze'), days: z.union(SNOOZE_DAYS.map((d) => z.literal(d))) }),
  z.object({ kind: z.literal('unsnooze') }),
  z.object({ kind: z.literal('dismiss'), reason: z.enum(DISMISS_REASONS) }),
  z.object({ kind: z.literal('reopen') }),
]) satisfies z.ZodType<TriageCommand>;

// A menu option's value is limited to 150 characters; a button's to 2,000.
const OPTION_VALUE_MAX_CHARS = 150;
const METADATA_MAX_CHARS = 3000;

/** A triage button's value or a Snooze/Dismiss menu option's: which authorization, what to do. */
export const triageValue = codec(
  z.object({ v: z.literal(1), authorizationId: Id, command: TriageCommandSchema }),
  OPTION_VALUE_MAX_CHARS,
);

/** The History button on a notice or a list row. */
export const historyValue = codec(z.object({ v: z.literal(1), authorizationId: Id }), OPTION_VALUE_MAX_CHARS);

/** The history modal: whose timeline and which page it shows (Previous/Next move from there). */
export const historyMeta = codec(
  z.object({ v: z.literal(1), authorizationId: Id, page: z.number().int().min(1) }),
  METADATA_MAX_CHARS,
);
