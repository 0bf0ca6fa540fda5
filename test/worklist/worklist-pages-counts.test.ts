import { HOME_TABS } from '../../src/domain/worklist';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createWorklistSource } from '../../src/store/worklist-source';
import { createWorklist } from '../../src/worklist/worklist';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { silentLog } from '../support/silent-log';
import { storesWithWorklist } from '../support/worklist';

/*
 * "Select all N" resolves the tab through `page` while the Home's header shows `counts`: they must
 * agree, however the rows arrived. The bulk bench once saw fewer; that was its seeding (a reconcile
 * turned customers back to active), not the worklist: this pins the worklist's side down, with
 * writes arriving one by one, as the bench seeds, while the worklist's first load is still running.
 */
describe('the worklist pages every row its counts count', () => {
  const db = useTestDatabase('worklist_pages_counts');
  const CUSTOMERS = 150;

  it('in every tab, with writes racing the first load and after a fresh load', async () => {
    const stores = await storesWithWorklist(db.connection);
    stores.worklist.start();
    for (let i = 0; i < CUSTOMERS; i++) {
      const now = new Date();
      const state = i % 3 === 0 ? 'expired' : 'bad_login';
      await stores.authorizations.applyByKey(
        { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: `uid-${i}` },
        {
          event: observedEvent(state, now),
          customer: { name: `Customer ${i}`, email: `c${i}@example.com`, utility: 'PG&E' },
          actor: 'platform',
          now,
        },
      );
    }
    const fresh = createWorklist({
      source: createWorklistSource(db.connection),
      expiringWithinDays: 30,
      refreshEveryMs: null,
      log: silentLog(),
    });
    try {
      for (const worklist of [stores.worklist, fresh]) {
        const now = new Date();
        const counts = await worklist.counts(SINGLE_WORKSPACE_ID, now);
        expect(counts).toMatchObject({ all: CUSTOMERS, bad_logins: 100, expired_declined: 50 });
        for (const tab of HOME_TABS) {
          const all = await worklist.page(SINGLE_WORKSPACE_ID, tab, { now, page: 1, pageSize: 5_001 });
          expect({ tab, total: all.total, rows: all.items.length }).toEqual({
            tab,
            total: counts[tab],
            rows: counts[tab],
          });
          // Paged as the Home pages it: every row once, none left out.
          const seen = new Set<string>();
          for (let page = 1; page <= Math.ceil(counts[tab] / 20); page++) {
            const shown = await worklist.page(SINGLE_WORKSPACE_ID, tab, { now, page, pageSize: 20 });
            for (const item of shown.items) seen.add(item._id.toHexString());
          }
          expect(seen.size).toBe(counts[tab]);
        }
      }
    } finally {
      await Promise.all([stores.worklist.stop(), fresh.stop()]);
    }
  }, 120_000);
});
