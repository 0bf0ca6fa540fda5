import { createMailer } from '../../src/email/mailer';
import { createUtilityApiClient } from '../../src/platforms/utilityapi/client';
import { createReauthService } from '../../src/reauth/reauth-service';
import { createRequestSender } from '../../src/reauth/request-sender';
import { createAuthorizationStore } from '../../src/store/authorizations';
import type { Outbox } from '../../src/store/outbox';
import type { RequestStore } from '../../src/store/requests';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { ALICE, DRAFT, requestStoreWithOutbox } from '../support/requests';
import { createSendgridStandin } from '../support/sendgrid-standin';
import { silentLog } from '../support/silent-log';
import { createUtilityApiStandIn } from '../support/utilityapi-standin';

/** SendGrid's answer to an address it will never deliver to: a permanent failure. */
const INVALID_ADDRESS = {
  errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to', help: null }],
};

describe('sending a reauth request', () => {
  const db = useTestDatabase('request-sender');
  const sendgrid = createSendgridStandin({ apiKey: 'SG.test-key' });
  const utilityapi = createUtilityApiStandIn({ token: 'ua-token' });
  let now = new Date('2026-11-28T10:00:00Z');
  const clock = () => now;
  let requests: RequestStore;
  let outbox: Outbox;
  let service: ReturnType<typeof createReauthService>;
  let sender: ReturnType<typeof createRequestSender>;
  let n = 0;
  let seed: () => Promise<string>;

  beforeAll(async () => {
    const [{ url: sendgridUrl }, { url: utilityUrl }] = await Promise.all([
      sendgrid.start(),
      utilityapi.start(),
    ]);
    const log = silentLog();
    const stores = await requestStoreWithOutbox(db.connection);
    ({ outbox, requests } = stores);
    const authorizations = createAuthorizationStore(stores.models);
    service = createReauthService({
      authorizations,
      requests,
      cooldownHours: 24,
      clock,
      pipeline: { requestQueued: () => {} },
    });
    sender = createRequestSender({
      requests,
      authorizations,
      mailer: createMailer({
        config: {
          apiKey: 'SG.test-key',
          fromEmail: 'team@solar.example',
          fromName: 'Sunny Solar',
          apiUrl: sendgridUrl,
          templateId: null,
        },
        log,
      }),
      utilityapi: createUtilityApiClient({
        baseUrl: utilityUrl,
        token: 'ua-token',
        log,
        retry: { maxAttempts: 1 },
      }),
      senderName: 'Sunny Solar',
      clock,
      log,
    });
    // One bad-login authorization per test, known to the platform.
    seed = async () => {
      const platform = utilityapi.upsertAuthorization({});
      const { authorizationId } = await authorizations.applyByKey(
        { source: 'utilityapi', externalId: platform.uid },
        {
          event: observedEvent('bad_login', now),
          customer: { name: 'Jane Roe', email: 'jane@example.com', utility: 'PG&E' },
          actor: 'platform',
          now,
        },
      );
      return authorizationId;
    };
  });
  afterAll(async () => {
    await Promise.all([sendgrid.stop(), utilityapi.stop()]);
  });

  const queue = async () => {
    const authorizationId = await seed();
    const { request } = await service.requestSend({
      authorizationId,
      draft: DRAFT,
      problem: { state: 'bad_login', reason: 'invalid_credentials' },
      requestedBy: ALICE,
      idempotencyKey: `test-${++n}`,
    });
    return request._id.toHexString();
  };
  const effectTypes = async (requestId: string) => {
    const request = await requests.findById(requestId);
    const entries = await outbox.forAuthorization(request?.authorizationId.toHexString() ?? '');
    return entries.map((e) => e.effect.type);
  };

  it('sends one email with the platform link and records the message id', async () => {
    const before = sendgrid.messages.length;
    const id = await queue();
    await sender.sendDue();
    expect(sendgrid.messages.length).toBe(before + 1);
    const message = sendgrid.messages.at(-1);
    const form = utilityapi.forms.at(-1);
    expect(message?.to).toEqual(['jane@example.com']);
    expect(message?.text).toContain(form?.url);
    expect(message?.customArgs).toEqual({ relink_request_id: id });
    expect(await requests.findById(id)).toMatchObject({
      status: 'sent',
      sendgridMessageId: message?.messageId,
    });
    expect(await effectTypes(id)).toEqual(['incident.opened', 'request.queued', 'request.sent']);
    await sender.sendDue();
    expect(sendgrid.messages.length).toBe(before + 1);
  });

  it('retries after a SendGrid 500 and sends exactly one email', async () => {
    const before = sendgrid.messages.length;
    const id = await queue();
    sendgrid.failNext(500);
    await sender.sendDue();
    expect(await requests.findById(id)).toMatchObject({ status: 'queued', attempts: 1 });
    now = new Date(now.getTime() + 60_000);
    await sender.sendDue();
    expect(sendgrid.messages.length).toBe(before + 1);
    expect((await requests.findById(id))?.status).toBe('sent');
  });

  it('fails visibly on a SendGrid 400, and Retry sends it', async () => {
    const before = sendgrid.messages.length;
    const id = await queue();
    sendgrid.failNext(400, INVALID_ADDRESS);
    await sender.sendDue();
    expect(await requests.findById(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'email_rejected' },
    });
    expect(await effectTypes(id)).toContain('request.failed');

    await service.retry(id, ALICE);
    await sender.sendDue();
    expect(sendgrid.messages.length).toBe(before + 1);
    expect((await requests.findById(id))?.status).toBe('sent');
  });

  it('never re-sends a request whose send was interrupted: it fails with a Retry instead', async () => {
    const before = sendgrid.messages.length;
    const id = await queue();
    await requests.set(id, { sendingSince: now, attempts: 1 }); // a crash mid-send
    now = new Date(now.getTime() + 11 * 60_000);
    await sender.sendDue();
    expect(sendgrid.messages.length).toBe(before);
    expect(await requests.findById(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'send_outcome_unknown' },
    });
  });

  it('reports a Retry that fails again after an interrupted send in a reply of its own', async () => {
    const id = await queue();
    await requests.set(id, { sendingSince: now, attempts: 1 }); // a crash mid-send
    now = new Date(now.getTime() + 11 * 60_000);
    await sender.sendDue();
    await service.retry(id, ALICE);
    sendgrid.failNext(400, INVALID_ADDRESS);
    await sender.sendDue();
    expect(await requests.findById(id)).toMatchObject({
      status: 'failed',
      lastError: { code: 'email_rejected' },
    });
    expect((await effectTypes(id)).filter((type) => type === 'request.failed')).toHaveLength(2);
  });

  it('records a request once per idempotency key', async () => {
    const authorizationId = await seed();
    const input = {
      authorizationId,
      draft: DRAFT,
      problem: { state: 'bad_login' as const, reason: 'invalid_credentials' as const },
      requestedBy: ALICE,
      idempotencyKey: 'same-view',
    };
    const [first, second] = await Promise.all([service.requestSend(input), service.requestSend(input)]);
    expect(first.request._id.toHexString()).toBe(second.request._id.toHexString());
    expect([first.created, second.created].sort()).toEqual([false, true]);
  });
});
