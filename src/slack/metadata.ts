import { z } from 'zod';
import { AUTHORIZATION_STATES, BAD_LOGIN_REASONS } from '../domain/authorization';
import { isValidEmail } from '../domain/email-address';
import { RelinkError } from '../domain/errors';
import { stripInvisibleControls } from '../domain/invisible-characters';
import {
  NAME_MAX_CHARS,
  NOTE_MAX_CHARS,
  type ReauthDraft,
  type ReauthProblem,
  UTILITY_MAX_CHARS,
} from '../domain/reauth-draft';
import { HOME_TABS, SEARCH_MAX_CHARS } from '../domain/worklist';
import { ActionId, BlockId, type BlockIdValue, SEND_ANYWAY_OPTION } from './ids';

/**
 * Typed codecs for everything relink round-trips through Slack: modal `private_metadata` and button
 * `value`s. Slack hands them back verbatim, so a modal step that mis-reads its own state would send the
 * wrong email: each has a versioned zod schema, `encode` refuses what Slack would truncate or reject,
 * and `decode` refuses anything that is not exactly what relink wrote.
 */
export interface Codec<T> {
  readonly maxChars: number;
  /** Throws RelinkError `metadata_too_large` past `maxChars`, `metadata_invalid` if `value` breaks the schema. */
  encode(value: T): string;
  /** Throws RelinkError `metadata_invalid` on anything but a string this codec's `encode` could produce. */
  decode(raw: unknown): T;
}

// Slack's limits: 3,000 characters of private_metadata, 2,000 of a button value.
const METADATA_MAX_CHARS = 3000;
const BUTTON_VALUE_MAX_CHARS = 2000;

export function codec<S extends z.ZodType>(schema: S, maxChars: number): Codec<z.output<S>> {
  const parse = (value: unknown, what: string): z.output<S> => {
    const result = schema.safeParse(value);
    // Issue paths only: messages about the values could carry a customer's name or email into logs.
    if (!result.success)
      throw new RelinkError('metadata_invalid', `${what}: bad ${issuePaths(result.error)}`);
    return result.data;
  };
  return {
    maxChars,
    encode(value) {
      const raw = JSON.stringify(parse(value, 'cannot encode'));
      if (raw.length > maxChars) {
        throw new RelinkError('metadata_too_large', `encoded to ${raw.length} characters, limit ${maxChars}`);
      }
      return raw;
    },
    decode(raw) {
      if (typeof raw !== 'string' || raw.length > maxChars) {
        throw new RelinkError('metadata_invalid', 'cannot decode: not a string within the limit');
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (cause) {
        throw new RelinkError('metadata_invalid', 'cannot decode: not JSON', { cause });
      }
      return parse(json, 'cannot decode');
    },
  };
}

const issuePaths = (error: z.ZodError): string =>
  [...new Set(error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');

const Id = z.string().min(1).max(200);

const ReauthProblemSchema = z.object({
  state: z.enum(AUTHORIZATION_STATES),
  reason: z.enum(BAD_LOGIN_REASONS).nullable(),
}) satisfies z.ZodType<ReauthProblem>;

export const FIELD_MESSAGES = {
  nameMissing: "Enter the customer's name",
  nameTooLong: `Keep the name under ${NAME_MAX_CHARS} characters`,
  email: 'Enter a valid email address, like jane@example.com',
  utilityMissing: 'Enter the utility, like PG&E',
  utilityTooLong: `Keep the utility under ${UTILITY_MAX_CHARS} characters`,
  noteTooLong: `Keep the note under ${NOTE_MAX_CHARS} characters`,
} as const;

// Characters as a person counts them (an emoji is one), which is what Slack's max_length enforces.
const charCount = (s: string): number => [...s].length;
// Control characters and lone surrogates have no place in a name or a note, and JSON.stringify writes
// each as a 6-character escape: stripping them is what keeps reauthPreviewMeta under 3,000 characters.
const oneLine = (s: string): string => s.replace(/[\p{Cc}\p{Cs}]+/gu, ' ').trim();
const multiLine = (s: string): string =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]|\p{Cs}/gu, '')
    .trim();

// Invisible controls go too (src/domain/invisible-characters.ts), as they do at ingest.
const singleLineField = (max: number, missing: string, tooLong: string) =>
  z
    .string()
    .overwrite((s) => oneLine(stripInvisibleControls(s)))
    .min(1, { error: missing })
    .refine((s) => charCount(s) <= max, { error: tooLong });

/** The reauth form's fields, trimmed and checked against the draft's limits. */
const ReauthDraftSchema = z.object({
  customerName: singleLineField(NAME_MAX_CHARS, FIELD_MESSAGES.nameMissing, FIELD_MESSAGES.nameTooLong),
  // The domain's rule, so the form accepts exactly the addresses ingest keeps (src/domain/email-address.ts).
  customerEmail: z.string().trim().refine(isValidEmail, { error: FIELD_MESSAGES.email }),
  utility: singleLineField(UTILITY_MAX_CHARS, FIELD_MESSAGES.utilityMissing, FIELD_MESSAGES.utilityTooLong),
  note: z
    .string()
    .overwrite(multiLine)
    .min(1)
    .refine((s) => charCount(s) <= NOTE_MAX_CHARS, { error: FIELD_MESSAGES.noteTooLong })
    .nullable(),
  sendAnyway: z.boolean(),
}) satisfies z.ZodType<ReauthDraft>;

const FIELD_BLOCKS: Record<keyof ReauthDraft, BlockIdValue> = {
  customerName: BlockId.customerName,
  customerEmail: BlockId.customerEmail,
  utility: BlockId.utility,
  note: BlockId.note,
  sendAnyway: BlockId.sendAnyway,
};

// The part of `view.state.values` relink reads; anything else Slack adds is ignored.
const StateValuesSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.looseObject({
      value: z.string().nullish(),
      selected_options: z.array(z.looseObject({ value: z.string() })).nullish(),
    }),
  ),
);

export type ParsedReauthDraft =
  | { ok: true; draft: ReauthDraft }
  | { ok: false; errors: Partial<Record<BlockIdValue, string>> };

/**
 * Reads and validates the reauth form from a view_submission's `view.state.values`. Errors are keyed
 * by block id, ready for `{ response_action: 'errors', errors }`.
 */
export function parseReauthDraft(stateValues: unknown): ParsedReauthDraft {
  const values = StateValuesSchema.safeParse(stateValues);
  const field = (block: BlockIdValue, action: string) =>
    values.success ? values.data[block]?.[action] : undefined;
  const text = (block: BlockIdValue, action: string): string => field(block, action)?.value ?? '';
  const note = multiLine(text(BlockId.note, ActionId.note));
  const candidate = {
    customerName: text(BlockId.customerName, ActionId.customerName),
    customerEmail: text(BlockId.customerEmail, ActionId.customerEmail),
    utility: text(BlockId.utility, ActionId.utility),
    note: note === '' ? null : note,
    sendAnyway: (field(BlockId.sendAnyway, ActionId.sendAnyway)?.selected_options ?? []).some(
      (option) => option.value === SEND_ANYWAY_OPTION,
    ),
  };
  const result = ReauthDraftSchema.safeParse(candidate);
  if (result.success) return { ok: true, draft: result.data };
  const errors: Partial<Record<BlockIdValue, string>> = {};
  for (const issue of result.error.issues) {
    const block = FIELD_BLOCKS[issue.path[0] as keyof ReauthDraft];
    if (block && !errors[block]) errors[block] = issue.message;
  }
  return { ok: false, errors };
}

/** The "Ask the utility customer to reauthorize" button on a notice. */
export const askReauthValue = codec(
  z.object({ v: z.literal(1), authorizationId: Id }),
  BUTTON_VALUE_MAX_CHARS,
);

/**
 * The reauth form modal. Modals opened before `channel`/`noticeTs` were dropped still carry them;
 * z.object strips unknown keys, so theirs still decodes (as does the preview's).
 */
export const reauthFormMeta = codec(
  z.object({ v: z.literal(1), authorizationId: Id, problem: ReauthProblemSchema }),
  METADATA_MAX_CHARS,
);

/** The email preview modal: everything the Send step needs to send exactly what was shown. */
export const reauthPreviewMeta = codec(
  z.object({
    v: z.literal(1),
    authorizationId: Id,
    problem: ReauthProblemSchema,
    draft: ReauthDraftSchema,
  }),
  METADATA_MAX_CHARS,
);

/** The Retry button on a failed-send thread reply. */
export const retrySendValue = codec(z.object({ v: z.literal(1), requestId: Id }), BUTTON_VALUE_MAX_CHARS);

/** The App Home's `private_metadata`: which tab, page and search the published view shows. */
export const homeMeta = codec(
  z.object({
    v: z.literal(1),
    tab: z.enum(HOME_TABS),
    page: z.number().int().min(1),
    search: z.string().min(1).max(SEARCH_MAX_CHARS).nullable(),
  }),
  METADATA_MAX_CHARS,
);

/**
 * The Settings modal. It names the workspace it was opened for, so a submission is only ever saved to
 * that same workspace (the listener compares it with the request's own); nothing else rides along:
 * the admin check and every value are read again on submit.
 */
export const settingsMeta = codec(z.object({ v: z.literal(1), workspaceId: Id }), METADATA_MAX_CHARS);
