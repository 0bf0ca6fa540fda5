import { Types } from 'mongoose';
import { createEmailEligibility } from '../../src/reauth/email-eligibility';
import type { RequestStore } from '../../src/store/requests';
import { createSuppressionStore } from '../../src/store/suppressions';
import { useTestDatabase } from '../support/database';
import { newRequest, requestStoreWithOutbox } from '../support/requests';

describe('email eligibility, from the stores', () => {
  const db = useTestDatabase('email-eligibility');
  const now = new Date('2026-11-28T10:00:00Z');
  let requests: RequestStore;
  let eligibility: ReturnType<typeof createEmailEligibility>;

  beforeAll(async () => {
    ({ requests } = await requestStoreWithOutbox(db.connection));
    const suppressions = createSuppressionStore(db.connection);
    await suppressions.init();
    await suppressions.record({
      workspaceId: 'T1',
      email: 'unsubscribed@example.com',
      reason: 'unsubscribe',
      at: now,
      requestId: 'r0',
      now,
    });
    eligibility = createEmailEligibility({ requests, suppressions });
  });

  const check = (authorizationId: string, email: string, sender: 'automatic' | 'person') =>
    eligibility.check({ workspaceId: 'T1', authorizationId, email, sender });

  it("reads the workspace's suppression of the address", async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    expect(await check(authorizationId, 'Unsubscribed@example.com', 'automatic')).toMatchObject({
      allowed: false,
      because: 'suppressed',
      suppression: { reason: 'unsubscribe' },
    });
    expect(await check(authorizationId, 'someone.else@example.com', 'automatic')).toEqual({ allowed: true });
  });

  it('refuses automatic email (reminders, bulk asks) to a suppressed address only', async () => {
    expect(await eligibility.refusesAutomaticEmail('T1', 'UNSUBSCRIBED@example.com')).toBe(true);
    expect(await eligibility.refusesAutomaticEmail('T2', 'unsubscribed@example.com')).toBe(false);
    expect(await eligibility.refusesAutomaticEmail('T1', 'welcome@example.com')).toBe(false);
  });

  it("reads a bounce from the authorization's latest request only", async () => {
    const authorizationId = new Types.ObjectId().toHexString();
    const { request } = await requests.create(newRequest(authorizationId, 'eligibility-1'), now);
    expect(await eligibility.lastBounce(authorizationId)).toBeNull();
    await requests.advance(request, 'bounced', null, now, { lastError: { code: 'dropped', message: '' } });
    expect(await eligibility.lastBounce(authorizationId)).toEqual({
      sentTo: 'jane@example.com',
      reason: null,
    });
    expect(await check(authorizationId, 'jane@example.com', 'automatic')).toEqual({
      allowed: false,
      because: 'bounced',
    });
    expect(await check(authorizationId, 'jane@example.com', 'person')).toEqual({ allowed: true });
    // A newer request to a fixed address leaves the bounce behind.
    const fixed = { name: 'Jane Roe', email: 'jane.roe@example.com' };
    await requests.create(
      newRequest(authorizationId, 'eligibility-2', { recipient: fixed }),
      new Date(now.getTime() + 1),
    );
    expect(await eligibility.lastBounce(authorizationId)).toBeNull();
  });
});
