import { z } from 'zod';

/*
 * The UtilityAPI v2 objects relink reads (https://utilityapi.com/docs/api). Only the fields relink uses
 * are kept; unknown fields are dropped, and optional ones may be missing or null without failing.
 */

// UtilityAPI says uids "may appear as integers" but are strings: accept both, keep strings.
const Uid = z.union([z.string().min(1), z.number().transform(String)]);

export const UtilityApiNoteSchema = z.object({
  type: z.string(),
  msg: z.string().nullish(),
  ts: z.string().nullish(),
});
export type UtilityApiNote = z.infer<typeof UtilityApiNoteSchema>;

export const UtilityApiAuthorizationSchema = z
  .object({
    uid: Uid,
    created: z.string().nullish(),
    customer_email: z.string().nullish(),
    // Deprecated by UtilityAPI and shaped by signature type ("text", "files", "confirmation"…): a
    // surprising shape costs us the name, never the authorization.
    customer_signature: z
      .object({ type: z.string().nullish(), full_name: z.string().nullish() })
      .nullish()
      .catch(null),
    nickname: z.string().nullish(),
    utility: z.string(),
    // An ISO8601 timestamp or a preset string such as "until_revoked".
    expires: z.string().nullish(),
    is_expired: z.boolean(),
    is_declined: z.boolean().nullish(),
    declined: z.string().nullish(),
    is_revoked: z.boolean().nullish(),
    revoked: z.string().nullish(),
    status: z.string().nullish(),
    status_message: z.string().nullish(),
    notes: z.array(UtilityApiNoteSchema).nullish(),
  })
  .transform((a) => ({
    uid: a.uid,
    created: a.created ?? null,
    customer_email: a.customer_email ?? null,
    customer_signature: a.customer_signature ? { full_name: a.customer_signature.full_name ?? null } : null,
    nickname: a.nickname ?? null,
    utility: a.utility,
    expires: a.expires ?? null,
    is_expired: a.is_expired,
    // The flags are derivable from their timestamps when an older payload lacks them.
    is_declined: a.is_declined ?? a.declined != null,
    declined: a.declined ?? null,
    is_revoked: a.is_revoked ?? a.revoked != null,
    revoked: a.revoked ?? null,
    status: a.status ?? null,
    status_message: a.status_message ?? null,
    notes: a.notes ?? [],
  }));
export type UtilityApiAuthorization = z.output<typeof UtilityApiAuthorizationSchema>;

/** `GET /authorizations`: up to 1000 per page; `next` is an absolute URL or null on the last page. */
export const UtilityApiAuthorizationListingSchema = z.object({
  authorizations: z.array(UtilityApiAuthorizationSchema),
  next: z.url().nullish(),
});

/** `POST /forms` answers a whole Form; relink needs its uid and the public url sent to the customer. */
export const UtilityApiFormSchema = z.object({ uid: Uid, url: z.url() });
export type UtilityApiForm = z.output<typeof UtilityApiFormSchema>;

/**
 * An Event (webhook or `GET /events`). UtilityAPI puts the affected object's uid in a type-specific
 * attribute (`authorization_uid`, `form_uid`, `meter_uid`), not in a generic reference list. Other
 * attributes are kept so the inbox stores the event as delivered.
 */
export const UtilityApiEventSchema = z
  .looseObject({
    uid: Uid.optional(),
    id: Uid.optional(),
    type: z.string().min(1),
    ts: z.string().nullish(),
    authorization_uid: Uid.nullish(),
    form_uid: Uid.nullish(),
  })
  .refine((e) => e.uid !== undefined || e.id !== undefined, {
    message: 'an event needs a uid',
    path: ['uid'],
  })
  .transform(({ id, ...e }) => ({
    ...e,
    uid: (e.uid ?? id) as string,
    ts: e.ts ?? null,
    authorization_uid: e.authorization_uid ?? null,
    form_uid: e.form_uid ?? null,
  }));
export type UtilityApiEvent = z.output<typeof UtilityApiEventSchema>;

/** `GET /events`, same paging as authorizations. */
export const UtilityApiEventListingSchema = z.object({
  events: z.array(UtilityApiEventSchema),
  next: z.url().nullish(),
});

/** A webhook delivery: a batch of events (UtilityAPI also sends `"next": null`, which is ignored). */
export const UtilityApiWebhookBatchSchema = z.object({ events: z.array(UtilityApiEventSchema) });
export type UtilityApiWebhookBatch = z.output<typeof UtilityApiWebhookBatchSchema>;
