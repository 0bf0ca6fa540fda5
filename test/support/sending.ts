import type { Connection } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createDeliveryReports } from '../../src/email/delivery-reports';
import type { SendgridEvent } from '../../src/email/event-webhook';
import { createMailer } from '../../src/email/mailer';
import { createUtilityApiClient } from '../../src/platforms/utilityapi/client';
import { createReauthService } from '../../src/reauth/reauth-service';
import { createRequestSender, type RequestSenderDeps } from '../../src/reauth/request-sender';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createSendClaims } from '../../src/store/send-claims';
import { createSuppressionStore } from '../../src/store/suppressions';
import { observedEvent } from './events';
import { ALICE, DRAFT, requestStoreWithOutbox } from './requests';
import { type AcceptedMessage, createSendgridStandin } from './sendgrid-standin';
import { silentLog } from './silent-log';
import { singleUtilityApiAccount } from './utilityapi-accounts';
import { createUtilityApiStandIn } from './utilityapi-standin';

const SENDGRID_KEY = 'SG.sending-test-key';

/**
 * Everything a send needs, for real: the stores on the test database, the reauth service, and senders
 * whose real mailer and UtilityAPI client talk HTTP to the stand-ins. The clock is the test's to move.
 * Call `start` in beforeAll and `stop` in afterAll.
 */
export function sendingFixture(database: { readonly connection: Connection }) {
  const sendgrid = createSendgridStandin({ apiKey: SENDGRID_KEY });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let now = new Date('2026-11-28T10:00:00Z');
  const clock = () => now;
  const log = silentLog();
  let n = 0;
  let utilityApiUrl = '';
  let parts: Awaited<ReturnType<typeof build>> | undefined;

  async function build(connection: Connection) {
    const stores = await requestStoreWithOutbox(connection);
    const claims = createSendClaims(connection);
    await claims.init();
    const authorizations = createAuthorizationStore(stores.models);
    const suppressions = createSuppressionStore(connection);
    await suppressions.init();
    const service = createReauthService({
      authorizations,
      requests: stores.requests,
      suppressions,
      // Sends only: nothing here opens the reauth form, which is prepared from memory.
      inMemory: {
        worklist: {
          askFacts: () => Promise.reject(new Error('the sending fixture prepares no reauth form')),
        },
        suppression: () => null,
        cooldownHours: async () => 0,
      },
      cooldownHours: async () => 0,
      clock,
    });
    return { ...stores, claims, authorizations, suppressions, service };
  }
  const get = () => {
    if (!parts) throw new Error('sendingFixture: call start() in beforeAll');
    return parts;
  };

  /** relink's mailer, as main.ts builds it, talking to the SendGrid stand-in (or `sendgridUrl`). */
  const mailer = (options: { mailTimeoutMs?: number; sendgridUrl?: string } = {}) =>
    createMailer({
      config: {
        apiKey: SENDGRID_KEY,
        fromEmail: 'team@solar.example',
        fromName: 'Sunny Solar',
        apiUrl: options.sendgridUrl ?? sendgrid.url,
        templateId: null,
      },
      log,
      ...(options.mailTimeoutMs ? { timeoutMs: options.mailTimeoutMs } : {}),
    });

  /** The single workspace's UtilityAPI account, its client talking to the stand-in, trying once. */
  const utilityApiAccounts = () =>
    singleUtilityApiAccount(
      SINGLE_WORKSPACE_ID,
      createUtilityApiClient({ baseUrl: utilityApiUrl, token: 'ua-token', log, retry: { maxAttempts: 1 } }),
    );

  /** A sender as main.ts builds one; each is a separate sender, as in another process. */
  const newSender = (
    options: { mailTimeoutMs?: number; sendgridUrl?: string } & Partial<RequestSenderDeps> = {},
  ) =>
    createRequestSender({
      requests: get().requests,
      authorizations: get().authorizations,
      claims: get().claims,
      mailer: mailer(options),
      utilityapi: utilityApiAccounts(),
      senderName: 'Sunny Solar',
      clock,
      log,
      suppressions: get().suppressions,
      ...options,
    });

  return {
    sendgrid,
    utilityapi,
    clock,
    get now() {
      return now;
    },
    /** Moves the test's clock on. */
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    get stores() {
      return get();
    },
    newSender,
    mailer,
    utilityApiAccounts,
    async start() {
      const [, ua] = await Promise.all([sendgrid.start(), utilityapi.start()]);
      utilityApiUrl = ua.url;
      parts = await build(database.connection);
    },
    async stop() {
      await Promise.all([sendgrid.stop(), utilityapi.stop()]);
    },

    /**
     * A bad-login authorization the platform knows, with Alice's request for it queued; its id. The
     * customer is Jane Roe unless `email` names another.
     */
    async queue(email = DRAFT.customerEmail): Promise<string> {
      const platform = utilityapi.upsertAuthorization({});
      const { authorizationId } = await get().authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: platform.uid },
        {
          event: observedEvent('bad_login', now),
          customer: { name: 'Jane Roe', email, utility: 'PG&E' },
          actor: 'platform',
          now,
        },
      );
      const { request } = await get().service.requestSend({
        workspaceId: SINGLE_WORKSPACE_ID,
        authorizationId,
        draft: { ...DRAFT, customerEmail: email },
        problem: { state: 'bad_login', reason: 'invalid_credentials' },
        requestedBy: ALICE,
        idempotencyKey: `sending-${++n}-${Date.now()}`,
      });
      return request._id.toHexString();
    },

    retry: (requestId: string) => get().service.retry(SINGLE_WORKSPACE_ID, requestId, ALICE),

    /** The emails the stand-in accepted for a request. */
    emailsFor: (requestId: string): AcceptedMessage[] =>
      sendgrid.messages.filter((m) => m.customArgs.relink_request_id === requestId),

    /** The outbox effects recorded for a request's authorization, in order. */
    async effectsOf(requestId: string): Promise<string[]> {
      const request = await get().requests.findById(requestId);
      const entries = await get().outbox.forAuthorization(request?.authorizationId.toHexString() ?? '');
      return entries.map((e) => e.effect.type);
    },

    /** Applies SendGrid's `event` about `message` as the inbox processor does. */
    report(event: string, message: AcceptedMessage): Promise<string> {
      const report: SendgridEvent = {
        event,
        sg_event_id: `evt-${++n}`,
        sg_message_id: `${message.messageId}.filter0001`,
        timestamp: Math.floor(now.getTime() / 1000),
        relink_request_id: message.customArgs.relink_request_id,
        relink_attempt: message.customArgs.relink_attempt,
      };
      const { requests, claims, suppressions, authorizations } = get();
      const workspaceOfAuthorization = async (id: string) =>
        (await authorizations.findById(id))?.workspaceId ?? null;
      return createDeliveryReports({ requests, claims, suppressions, workspaceOfAuthorization })(report, now);
    },
  };
}
