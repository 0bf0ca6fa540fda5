import type { AuthorizationStatus, Effect } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import type { RequestStatus } from '../domain/reauth-request';
import type { AuthorizationStore } from '../store/authorizations';
import type { RequestStore } from '../store/requests';

/** Entries per history page: 20 context blocks plus a few more stay far inside a modal's 100 blocks. */
export const HISTORY_PAGE_SIZE = 20;

/** One revision of an authorization, as its history shows it. */
export interface HistoryEntry {
  version: number;
  at: Date;
  /** `platform`, `system`, or `slack:<team>/<user>`. */
  actor: string;
  /** The audit action: `state.changed`, `request.created`, `triage.assign`, … */
  action: string;
  /** The status after the revision: the platform's words are drawn from it. */
  next: AuthorizationStatus;
  effects: Effect[];
  /** Whether the revision changed the customer's name, email or utility. */
  customerChanged: boolean;
  /** On a request's revisions (asked, retried): where its email stands now. */
  email: EmailProgress | null;
}

/** A request's email as its history tells it: sent when, and how far SendGrid's reports took it. */
export interface EmailProgress {
  status: RequestStatus;
  /** When it reached `status`. */
  statusAt: Date;
  sentAt: Date | null;
  /** Why it bounced or was not sent, as recorded (SendGrid's reason, a failure code). */
  error: { code: string; message: string } | null;
}

/** Revisions about one request, whose `sourceEventId` is the request's id. */
const REQUEST_ACTIONS: ReadonlySet<string> = new Set([
  'request.created',
  'request.created_during_cooldown',
  'request.created_despite_suppression',
  'request.retried',
]);

/** One page of an authorization's history, newest first. */
export interface HistoryPage {
  authorizationId: string;
  customerName: string | null;
  utility: string;
  entries: HistoryEntry[];
  /** 1-based, clamped to `1..pages`. */
  page: number;
  pages: number;
  /** How many revisions the authorization has. */
  total: number;
  pageSize: number;
}

/**
 * An authorization's timeline (History on a notice or a list row, `/reauth history`), built from the
 * audit trail: every state change, request, reminder and triage is one numbered revision, and a
 * page's revisions are read by their ids (`<authorizationId>:<version>`), never by a filter scan.
 */
export function createHistoryService(deps: {
  authorizations: Pick<AuthorizationStore, 'findById' | 'revisions'>;
  requests: Pick<RequestStore, 'findById'>;
}) {
  /** The email of a request revision, read by the request's id: at most one read per entry. */
  async function emailOf(revision: { action: string; sourceEventId: string | null }) {
    if (!REQUEST_ACTIONS.has(revision.action) || !revision.sourceEventId) return null;
    const request = await deps.requests.findById(revision.sourceEventId);
    if (!request) return null;
    return {
      status: request.status,
      statusAt: request.statusAt,
      sentAt: request.sentAt,
      error: request.lastError,
    };
  }

  return {
    async page(
      workspaceId: string,
      authorizationId: string,
      wanted: number,
      pageSize = HISTORY_PAGE_SIZE,
    ): Promise<HistoryPage> {
      const authorization = await deps.authorizations.findById(authorizationId);
      // Another workspace's authorization reads as missing: nothing crosses workspaces.
      if (!authorization || authorization.workspaceId !== workspaceId) {
        throw new RelinkError('authorization_not_found', `no authorization ${authorizationId} here`);
      }
      const total = authorization.version;
      const pages = Math.max(1, Math.ceil(total / pageSize));
      const page = Math.min(Math.max(1, Math.floor(wanted) || 1), pages);
      const newest = total - (page - 1) * pageSize;
      const revisions = await deps.authorizations.revisions(authorizationId, newest - pageSize + 1, newest);
      return {
        authorizationId,
        customerName: authorization.customer.name,
        utility: authorization.utility,
        entries: await Promise.all(
          revisions.map(async (r) => ({
            version: r.version,
            at: r.at,
            actor: r.actor,
            action: r.action,
            next: r.next,
            effects: r.effects ?? [],
            customerChanged: r.customer !== null && r.customer !== undefined,
            email: await emailOf(r),
          })),
        ),
        page,
        pages,
        total,
        pageSize,
      };
    },
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
