import type { z } from 'zod';
import { describeZodIssues } from '../zod-issues';
import { UtilityApiError } from './errors';
import { createUtilityApiHttp, type UtilityApiHttp, type UtilityApiHttpOptions } from './http';
import { lastActivityAt } from './mapping';
import {
  type UtilityApiAuthorization,
  UtilityApiAuthorizationListingSchema,
  UtilityApiAuthorizationSchema,
  type UtilityApiEvent,
  UtilityApiEventListingSchema,
  type UtilityApiForm,
  UtilityApiFormSchema,
} from './types';

export { UtilityApiError } from './errors';
export type { RetryOptions } from './http';

/** UtilityAPI's page size ceiling; also how many uids one `uids=` list call carries. */
export const UTILITYAPI_PAGE_LIMIT = 1000;

export interface AuthorizationFilters {
  uids?: string[];
  isExpired?: boolean;
  isDeclined?: boolean;
  /**
   * Keeps authorizations with activity (creation, decline, revocation, a note) after this time.
   * UtilityAPI has no such filter, so every page is still fetched and filtered here.
   */
  updatedAfter?: Date;
}

export interface EventFilters {
  isDelivered?: boolean;
  /** List events after this event uid. */
  after?: string;
}

export interface CreateFormInput {
  authorization_uid?: string;
  customer_email?: string;
  utility?: string;
}

export interface UtilityApiClient {
  /** Pages of authorizations, following `next` to the end. */
  listAuthorizations(filters?: AuthorizationFilters): AsyncIterable<UtilityApiAuthorization[]>;
  /** The authorizations with these uids (unknown ones are absent), one list call per 1000 uids, in input order. */
  getAuthorizations(uids: string[]): Promise<UtilityApiAuthorization[]>;
  getAuthorization(uid: string): Promise<UtilityApiAuthorization>;
  /** A (re)authorization form; `url` is the link to send the customer. */
  createForm(input: CreateFormInput): Promise<UtilityApiForm>;
  /** Pages of events, following `next` to the end. */
  listEvents(filters?: EventFilters): AsyncIterable<UtilityApiEvent[]>;
}

export type UtilityApiClientOptions = UtilityApiHttpOptions;

export function createUtilityApiClient(options: UtilityApiClientOptions): UtilityApiClient {
  const http = createUtilityApiHttp(options);

  async function* listAuthorizations(filters: AuthorizationFilters = {}) {
    const query: Record<string, string> = { limit: String(UTILITYAPI_PAGE_LIMIT) };
    if (filters.uids) query.uids = filters.uids.join(',');
    if (filters.isExpired !== undefined) query.is_expired = String(filters.isExpired);
    if (filters.isDeclined !== undefined) query.is_declined = String(filters.isDeclined);
    const since = filters.updatedAfter?.getTime();
    for await (const page of pages(http, '/authorizations', query, UtilityApiAuthorizationListingSchema)) {
      const kept =
        since === undefined
          ? page.authorizations
          : page.authorizations.filter((a) => (lastActivityAt(a)?.getTime() ?? 0) > since);
      if (kept.length > 0) yield kept;
    }
  }

  return {
    listAuthorizations,

    async getAuthorizations(uids) {
      const wanted = [...new Set(uids)];
      const found = new Map<string, UtilityApiAuthorization>();
      for (let i = 0; i < wanted.length; i += UTILITYAPI_PAGE_LIMIT) {
        const chunk = wanted.slice(i, i + UTILITYAPI_PAGE_LIMIT);
        for await (const page of listAuthorizations({ uids: chunk })) {
          for (const a of page) found.set(a.uid, a);
        }
      }
      return wanted.flatMap((uid) => found.get(uid) ?? []);
    },

    async getAuthorization(uid) {
      const body = await http({ method: 'GET', target: `/authorizations/${encodeURIComponent(uid)}` });
      return validate(UtilityApiAuthorizationSchema, body, 'authorization');
    },

    async createForm(input) {
      const body = await http({ method: 'POST', target: '/forms', body: definedOnly(input) });
      return validate(UtilityApiFormSchema, body, 'form');
    },

    async *listEvents(filters = {}) {
      const query: Record<string, string> = {};
      if (filters.isDelivered !== undefined) query.is_delivered = String(filters.isDelivered);
      if (filters.after !== undefined) query.after = filters.after;
      for await (const page of pages(http, '/events', query, UtilityApiEventListingSchema)) {
        if (page.events.length > 0) yield page.events;
      }
    },
  };
}

async function* pages<S extends z.ZodType<{ next?: string | null }>>(
  http: UtilityApiHttp,
  path: string,
  query: Record<string, string>,
  schema: S,
): AsyncGenerator<z.output<S>> {
  const seen = new Set<string>();
  let next: string | null = null;
  do {
    const body: unknown = await (next === null
      ? http({ method: 'GET', target: path, query })
      : http({ method: 'GET', target: next }));
    const page: z.output<S> = validate(schema, body, path);
    yield page;
    next = page.next ?? null;
    // A `next` seen before would loop forever; it can only be a platform bug.
    if (next !== null && seen.has(next)) {
      throw new UtilityApiError('utilityapi_bad_response', `UtilityAPI ${path} paging loops`, 200, null);
    }
    if (next !== null) seen.add(next);
  } while (next !== null);
}

function validate<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = describeZodIssues(parsed.error).slice(0, 5);
  throw new UtilityApiError(
    'utilityapi_bad_response',
    `UtilityAPI ${what} response is not as documented: ${issues.join('; ')}`,
    200,
    null,
  );
}

function definedOnly(input: CreateFormInput): Record<string, string> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
}
