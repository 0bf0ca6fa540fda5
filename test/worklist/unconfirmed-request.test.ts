import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { newRequest } from '../support/requests';
import { silentLog } from '../support/silent-log';
import { storesWithWorklist } from '../support/worklist';

/**
 * A request whose email relink could not confirm reads "could not confirm, send it again" on the Home
 * and in `/reauth`, as in its thread: the worklist knows it from the write, and from the database at start.
 */
describe('the worklist and an unconfirmed send', () => {
  const db = useTestDatabase('worklist_unconfirmed');

  it('marks the latest request unconfirmed as it is written and as it is loaded, and forgets it when queued again', async () => {
    const stores = await storesWithWorklist(db.connection);
    await stores.worklist.ready();
    const now = new Date();
    const { authorizationId } = await stores.authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: 'unconfirmed-1' },
      { event: observedEvent('bad_login', now), actor: 'platform', now },
    );
    const { request } = await stores.requests.create(newRequest(authorizationId, 'key-1'), now);
    const lastOf = async (worklist: typeof stores.worklist) => {
      const page = await worklist.page(SINGLE_WORKSPACE_ID, 'all', { now, page: 1, pageSize: 10 });
      return worklist.lastRequestsFor(SINGLE_WORKSPACE_ID, page.items).get(authorizationId);
    };
    const loaded = async () => {
      const worklist = createWorklist({
        source: createWorklistSource(db.connection),
        expiringWithinDays: 30,
        refreshEveryMs: null,
        log: silentLog(),
      });
      await worklist.ready();
      return lastOf(worklist);
    };

    const lastError = { code: 'send_outcome_unknown', message: 'SendGrid neither answered nor reported it' };
    await stores.requests.advance(request, 'failed', null, now, { lastError });
    expect(await lastOf(stores.worklist)).toMatchObject({ status: 'failed', unconfirmed: true });
    expect(await loaded()).toMatchObject({ status: 'failed', unconfirmed: true });

    // Send again: queued, then failed for a reason relink knows, is a plain failure.
    await stores.requests.advance(request, 'queued', null, now, { lastError: null });
    expect((await lastOf(stores.worklist))?.unconfirmed).toBeUndefined();
    const refused = { code: 'email_rejected', message: 'SendGrid refused the address' };
    await stores.requests.advance(request, 'failed', null, now, { lastError: refused });
    expect((await lastOf(stores.worklist))?.unconfirmed).toBeUndefined();
    expect((await loaded())?.unconfirmed).toBeUndefined();
  });
});
