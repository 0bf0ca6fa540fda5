import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createNoticeData } from '../../src/reauth/notice-data';
import { type AuthorizationStore, createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createOutbox } from '../../src/store/outbox';
import { createRequestStore, type RequestStore } from '../../src/store/requests';
import { createSuppressionStore, type SuppressionStore } from '../../src/store/suppressions';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';

const t0 = new Date('2026-03-12T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('the data a notice shows', () => {
  const db = useTestDatabase('notice_data');
  let authorizations: AuthorizationStore;
  let requests: RequestStore;
  let noticeData: ReturnType<typeof createNoticeData>;
  let suppressions: SuppressionStore;
  let n = 0;

  beforeAll(async () => {
    const models = createModels(db.connection);
    await ensureIndexes(models);
    authorizations = createAuthorizationStore(models);
    requests = createRequestStore(db.connection, createOutbox(models));
    await requests.init();
    suppressions = createSuppressionStore(db.connection);
    await suppressions.init();
    noticeData = createNoticeData({ authorizations, requests, suppressions });
  });

  const observe = async (externalId: string, event: ReturnType<typeof observedEvent>) =>
    (
      await authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
        {
          event,
          actor: 'platform',
          customer: { name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' },
          now: event.at,
        },
      )
    ).authorizationId;

  it('reads who, which utility and what is wrong from the stored authorization', async () => {
    const id = await observe(`notice-data-${++n}`, observedEvent('revoked', at(0), { revokedAt: at(-60) }));

    expect(await noticeData(id)).toEqual({
      authorizationId: id,
      workspaceId: SINGLE_WORKSPACE_ID,
      version: 1,
      customerName: 'Jane Doe',
      customerEmail: 'jane@example.com',
      utility: 'PG&E',
      status: {
        state: 'revoked',
        reason: null,
        expiresAt: null,
        declinedAt: null,
        revokedAt: at(-60),
        incidentOpen: true,
      },
      // The problem began when the customer revoked, not when relink heard of it.
      since: at(-60),
      lastRequest: null,
      suppression: null,
      triage: null,
      // No App Home link without the app's id.
      homeUrl: null,
    });
  });

  it('shows the latest reauth request: its status, who asked, and where it went', async () => {
    const id = await observe(`notice-data-${++n}`, observedEvent('bad_login', at(0)));
    await requests.create(
      {
        idempotencyKey: `notice-data-request-${n}`,
        authorizationId: id,
        recipient: { name: 'Jane Doe', email: 'jane@example.com' },
        utility: 'PG&E',
        problem: { state: 'bad_login', reason: 'invalid_credentials' },
        note: null,
        requestedBy: { teamId: 'T1', userId: 'U0ALICE' },
        sendAnyway: false,
      },
      at(5),
    );

    expect((await noticeData(id))?.lastRequest).toEqual({
      status: 'queued',
      requestedBy: 'U0ALICE',
      at: at(5),
      sentTo: 'jane@example.com',
    });
  });

  it("says why the latest email bounced, and whether the customer's address is suppressed", async () => {
    const id = await observe(`notice-data-${++n}`, observedEvent('bad_login', at(0)));
    const { request } = await requests.create(
      {
        idempotencyKey: `notice-data-request-${n}`,
        authorizationId: id,
        recipient: { name: 'Jane Doe', email: 'jane@example.com' },
        utility: 'PG&E',
        problem: { state: 'bad_login', reason: 'invalid_credentials' },
        note: null,
        requestedBy: { teamId: 'T1', userId: 'U0ALICE' },
        sendAnyway: false,
      },
      at(5),
    );
    await requests.advance(request, 'bounced', null, at(6), {
      lastError: { code: 'bounce', message: '550 no such user' },
    });
    expect((await noticeData(id))?.lastRequest).toMatchObject({
      status: 'bounced',
      bounceReason: '550 no such user',
    });
    expect((await noticeData(id))?.suppression).toBeNull();

    await suppressions.record({
      workspaceId: SINGLE_WORKSPACE_ID,
      email: 'JANE@example.com',
      reason: 'unsubscribe',
      at: at(7),
      requestId: request._id.toHexString(),
      now: at(7),
    });
    expect((await noticeData(id))?.suppression).toEqual({ reason: 'unsubscribe', at: at(7) });
  });

  it('answers null for an authorization that does not exist', async () => {
    expect(await noticeData(new Types.ObjectId().toHexString())).toBeNull();
  });
});
