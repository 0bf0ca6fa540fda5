import type { Connection } from 'mongoose';
import type { AuthorizationState } from '../../src/domain/authorization';
import type { RequestStatus } from '../../src/domain/reauth-request';
import { HOME_TABS, type HomeTab } from '../../src/domain/worklist';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createLogger } from '../../src/logger';
import type { AuthorizationStore } from '../../src/store/authorizations';
import type { RequestStore } from '../../src/store/requests';
import { createWorklistSource, type WorklistSource } from '../../src/store/worklist-source';
import { createWorklist, type Worklist } from '../../src/worklist/worklist';
import { useTestDatabase } from '../support/database';
import { type ObservedEvent as Observed, observedEvent } from '../support/events';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { storesWithWorklist } from '../support/worklist';

const now = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const daysFromNow = (n: number) => new Date(now.getTime() + n * DAY);

const observed = observedEvent;

/** A worklist loaded from the database alone, as a freshly started process has it. */
async function loadedWorklist(
  connection: Connection,
  refreshEveryMs: number | null = null,
): Promise<Worklist> {
  const worklist = createWorklist({
    source: createWorklistSource(connection),
    expiringWithinDays: 30,
    refreshEveryMs,
    log: silentLog(),
  });
  await worklist.ready();
  return worklist;
}

/** Builds authorizations and requests the way relink does: through its stores. */
function fixtureBuilder(stores: () => { authorizations: AuthorizationStore; requests: RequestStore }) {
  let n = 0;
  const ids = new Map<string, string>();
  return {
    ids,
    async authorization(
      label: string,
      events: Observed[],
      customer: { name: string; email: string } = {
        name: `Customer ${label}`,
        email: `${label}@example.com`,
      },
    ): Promise<string> {
      let id = '';
      for (const event of events) {
        const result = await stores().authorizations.applyByKey(
          { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: `ext-${label}` },
          { event, actor: 'platform', customer: { ...customer, utility: 'PG&E' }, now: event.at },
        );
        id = result.authorizationId;
      }
      ids.set(label, id);
      return id;
    },
    async request(authorizationId: string, status: RequestStatus, createdAt: Date): Promise<void> {
      const { requests } = stores();
      const { request } = await requests.create(
        {
          idempotencyKey: `req-${n++}`,
          authorizationId,
          recipient: { name: 'Customer', email: 'customer@example.com' },
          utility: 'PG&E',
          problem: { state: 'bad_login', reason: 'invalid_credentials' },
          note: null,
          requestedBy: { teamId: 'T1', userId: 'U1' },
          sendAnyway: false,
        },
        createdAt,
      );
      if (status !== 'queued') await requests.advance(request, status, null, createdAt);
    },
  };
}

const labelsOf = (ids: Map<string, string>, found: { _id: { toHexString(): string } }[]) => {
  const byId = new Map([...ids].map(([label, id]) => [id, label]));
  return found.map((doc) => byId.get(doc._id.toHexString()) ?? `unknown ${doc._id.toHexString()}`);
};

type Stores = Awaited<ReturnType<typeof storesWithWorklist>>;

describe.each([
  ['as it hears each write', 'worklist_live'],
  ['loaded afresh from the database', 'worklist_loaded'],
])('the worklist, %s', (_how, dbName) => {
  const db = useTestDatabase(dbName);
  let stores: Stores;
  let worklist: Worklist;
  const given = fixtureBuilder(() => stores);

  beforeAll(async () => {
    stores = await storesWithWorklist(db.connection);

    const at = (days: number) => daysFromNow(-days);
    // Problems, oldest first in time so "newest problem first" has something to order.
    await given.authorization('bad-old', [observed('bad_login', at(9))]);
    await given.authorization('bad-new', [observed('bad_login', at(1), { reason: 'locked' })]);
    await given.authorization('bad-expiring', [observed('bad_login', at(2), { expiresAt: daysFromNow(5) })]);
    await given.authorization('expired', [observed('expired', at(8), { expiresAt: at(90) })]);
    await given.authorization('declined', [observed('declined', at(7), { declinedAt: at(7) })]);
    await given.authorization('revoked', [observed('revoked', at(6), { revokedAt: at(6) })]);
    await given.authorization('provider', [observed('provider_issue', at(5))]);
    await given.authorization('pending', [observed('pending', at(5))]);
    // Expiring soon: active or pending with expiresAt in (now, now + 30 days].
    await given.authorization('active-10d', [observed('active', at(4), { expiresAt: daysFromNow(10) })]);
    await given.authorization('pending-29d', [observed('pending', at(4), { expiresAt: daysFromNow(29) })]);
    await given.authorization('active-30d', [observed('active', at(4), { expiresAt: daysFromNow(30) })]);
    await given.authorization('active-31d', [observed('active', at(4), { expiresAt: daysFromNow(31) })]);
    await given.authorization('active-forever', [observed('active', at(4))]);
    // Past its expiry but the expiry job has not run yet: not "expiring soon" any more.
    await given.authorization('active-lapsed', [
      observed('active', daysFromNow(-400), { expiresAt: daysFromNow(-1) }),
    ]);

    // Requests: the latest request's status decides "awaiting customer".
    const awaiting = async (
      label: string,
      state: AuthorizationState,
      days: number,
      ...statuses: RequestStatus[]
    ) => {
      const id = await given.authorization(label, [observed(state, at(days))]);
      for (const [i, status] of statuses.entries()) await given.request(id, status, at(days - 0.1 * (i + 1)));
    };
    await awaiting('req-delivered', 'bad_login', 3, 'delivered');
    await awaiting('req-sent', 'expired', 3, 'sent');
    await awaiting('req-opened', 'declined', 3, 'opened');
    await awaiting('req-clicked', 'revoked', 3, 'clicked');
    await awaiting('req-queued', 'bad_login', 3, 'queued');
    await awaiting('req-bounced', 'bad_login', 3, 'bounced');
    await awaiting('req-failed', 'bad_login', 3, 'failed');
    // A crash left the older request open; the newer one failed, so nobody is awaiting the customer.
    await awaiting('req-delivered-then-failed', 'bad_login', 3, 'delivered', 'failed');
    await awaiting('req-superseded-then-opened', 'bad_login', 3, 'superseded', 'opened');
    // Resolved: the customer relinked (incident closed), whatever the request says.
    const resolved = await given.authorization('resolved', [
      observed('bad_login', at(3)),
      observed('active', at(0.5)),
    ]);
    await given.request(resolved, 'delivered', at(2));
    worklist = dbName === 'worklist_live' ? stores.worklist : await loadedWorklist(db.connection);
  });

  const tabLabels = async (tab: HomeTab) =>
    labelsOf(
      given.ids,
      (await worklist.page(SINGLE_WORKSPACE_ID, tab, { now, page: 1, pageSize: 100 })).items,
    ).sort();

  it('lists exactly the bad logins', async () => {
    expect(await tabLabels('bad_logins')).toEqual(
      [
        'bad-expiring',
        'bad-new',
        'bad-old',
        'req-bounced',
        'req-delivered',
        'req-delivered-then-failed',
        'req-failed',
        'req-queued',
        'req-superseded-then-opened',
      ].sort(),
    );
  });

  it('lists exactly the expired, declined and revoked ones', async () => {
    expect(await tabLabels('expired_declined')).toEqual(
      ['declined', 'expired', 'req-clicked', 'req-opened', 'req-sent', 'revoked'].sort(),
    );
  });

  it('lists active and pending authorizations expiring within the threshold, the last day included', async () => {
    expect(await tabLabels('expiring_soon')).toEqual(['active-10d', 'active-30d', 'pending-29d']);
  });

  it('lists open incidents whose latest request went out and was not answered', async () => {
    expect(await tabLabels('awaiting_customer')).toEqual(
      ['req-clicked', 'req-delivered', 'req-opened', 'req-sent', 'req-superseded-then-opened'].sort(),
    );
  });

  it('lists every authorization under All', async () => {
    expect(await tabLabels('all')).toEqual([...given.ids.keys()].sort());
  });

  it('counts each tab as its list does', async () => {
    const counts = await worklist.counts(SINGLE_WORKSPACE_ID, now);
    for (const tab of HOME_TABS) {
      expect({ tab, count: counts[tab] }).toEqual({ tab, count: (await tabLabels(tab)).length });
    }
  });

  it('narrows the expired/declined tab to one state for /reauth list expired or declined', async () => {
    const only = async (state: AuthorizationState) =>
      labelsOf(
        given.ids,
        (
          await worklist.page(
            SINGLE_WORKSPACE_ID,
            { tab: 'expired_declined', state },
            { now, page: 1, pageSize: 50 },
          )
        ).items,
      ).sort();
    expect(await only('expired')).toEqual(['expired', 'req-sent']);
    expect(await only('declined')).toEqual(['declined', 'req-opened']);
  });

  it('orders by newest problem first', async () => {
    const page = await worklist.page(SINGLE_WORKSPACE_ID, 'bad_logins', { now, page: 1, pageSize: 3 });
    // The req-* incidents opened at the same moment: the newest _id (created last) breaks the tie.
    expect(labelsOf(given.ids, page.items)).toEqual([
      'bad-new',
      'bad-expiring',
      'req-superseded-then-opened',
    ]);
    expect(page).toMatchObject({ total: 9, page: 1, pages: 3, pageSize: 3 });
  });

  it('clamps a page past the end to the last page', async () => {
    const page = await worklist.page(SINGLE_WORKSPACE_ID, 'bad_logins', { now, page: 99, pageSize: 4 });
    expect(page).toMatchObject({ page: 3, pages: 3 });
    expect(page.items).toHaveLength(1);
    expect(labelsOf(given.ids, page.items)).toEqual(['bad-old']);
  });

  it('narrows a tab by a search', async () => {
    const page = await worklist.page(SINGLE_WORKSPACE_ID, 'bad_logins', {
      now,
      page: 1,
      search: 'Customer BAD',
    });
    expect(labelsOf(given.ids, page.items).sort()).toEqual(['bad-expiring', 'bad-new', 'bad-old']);
    const none = await worklist.page(SINGLE_WORKSPACE_ID, 'expired_declined', {
      now,
      page: 1,
      search: 'bad-new@example.com',
    });
    expect(none).toMatchObject({ total: 0, items: [], page: 1, pages: 1 });
  });

  it('gives the latest request of each authorization in one map', async () => {
    const labels = ['req-delivered-then-failed', 'req-superseded-then-opened', 'bad-old'];
    const { items } = await worklist.page(SINGLE_WORKSPACE_ID, 'all', { now, page: 1, pageSize: 100 });
    const latest = worklist.lastRequestsFor(
      SINGLE_WORKSPACE_ID,
      items.filter((item) => labels.includes(labelsOf(given.ids, [item])[0] ?? '')),
    );
    expect(latest.size).toBe(2);
    expect(latest.get(given.ids.get('req-delivered-then-failed') ?? '')?.status).toBe('failed');
    expect(latest.get(given.ids.get('req-superseded-then-opened') ?? '')?.status).toBe('opened');
    expect(latest.has(given.ids.get('bad-old') ?? '')).toBe(false);
  });
});

describe('finding an authorization for /reauth', () => {
  const db = useTestDatabase('worklist_find');
  let stores: Stores;
  let worklist: Worklist;
  const given = fixtureBuilder(() => stores);

  beforeAll(async () => {
    stores = await storesWithWorklist(db.connection);
    worklist = stores.worklist;
    const bad = (days: number) => [observed('bad_login', daysFromNow(-days))];
    await given.authorization('jane', bad(3), { name: 'Jane Doe', email: 'Jane.Doe@Example.com' });
    await given.authorization('mary-jane', bad(2), { name: 'Mary Janet Roe', email: 'mjr@example.org' });
    await given.authorization('john', bad(1), { name: 'John Smith', email: 'js@example.net' });
    await given.authorization('regex', bad(1), { name: 'A.B (c)+ Star*', email: 'star@example.net' });
  });

  const found = async (query: string) => {
    const { items, total } = await worklist.find(SINGLE_WORKSPACE_ID, query, 10);
    return { labels: labelsOf(given.ids, items), total };
  };

  it('matches an email exactly, whatever its case', async () => {
    expect(await found('JANE.DOE@example.COM')).toEqual({ labels: ['jane'], total: 1 });
    expect(await found('jane.doe@example')).toEqual({ labels: [], total: 0 });
  });

  it('matches the start of any name word, case-insensitively, newest problem first', async () => {
    expect(await found('JAN')).toEqual({ labels: ['mary-jane', 'jane'], total: 2 });
    expect(await found('roe')).toEqual({ labels: ['mary-jane'], total: 1 });
    expect(await found('mary jan')).toEqual({ labels: ['mary-jane'], total: 1 });
    expect(await found('oe')).toEqual({ labels: [], total: 0 });
  });

  it('finds an authorization by its id', async () => {
    const id = given.ids.get('john') ?? '';
    expect(await found(id.toUpperCase())).toEqual({ labels: ['john'], total: 1 });
    expect(await found('0123456789abcdef01234567')).toEqual({ labels: [], total: 0 });
  });

  it('treats regex characters in a query as plain text', async () => {
    expect(await found('a.b')).toEqual({ labels: ['regex'], total: 1 });
    expect(await found('(c)+')).toEqual({ labels: ['regex'], total: 1 });
    expect(await found('.*')).toEqual({ labels: [], total: 0 });
    expect(await found('   ')).toEqual({ labels: [], total: 0 });
  });

  it('returns at most the limit and says how many match', async () => {
    const { items, total } = await worklist.find(SINGLE_WORKSPACE_ID, 'j', 1);
    expect(items).toHaveLength(1);
    expect(total).toBe(3);
  });

  it('finds a customer by the name and email someone corrected in Slack, not the old ones', async () => {
    const id = await given.authorization('renamed', [observed('bad_login', daysFromNow(-1))], {
      name: 'Zed Old',
      email: 'zed.old@example.com',
    });
    await stores.authorizations.applyById(id, {
      actor: 'slack:T1/U1',
      customerEdit: { name: 'Zoe New', email: 'zoe.new@example.com' },
      now,
    });
    expect(await found('zed')).toEqual({ labels: [], total: 0 });
    expect(await found('zed.old@example.com')).toEqual({ labels: [], total: 0 });
    expect(await found('zoe')).toEqual({ labels: ['renamed'], total: 1 });
    expect(await found('ZOE.NEW@example.com')).toEqual({ labels: ['renamed'], total: 1 });
    const reloaded = await loadedWorklist(db.connection);
    expect((await reloaded.find(SINGLE_WORKSPACE_ID, 'zoe new', 10)).total).toBe(1);
    expect((await reloaded.find(SINGLE_WORKSPACE_ID, 'zed', 10)).total).toBe(0);
  });
});

describe('paging through many authorizations', () => {
  const db = useTestDatabase('worklist_paging');
  const COUNT = 1_010;

  it('visits each of more than 1,000 authorizations exactly once, in order', async () => {
    const { models } = await storesWithWorklist(db.connection);
    // Inserted directly: through applyByKey (five writes each) 1,010 take two minutes on FerretDB, and
    // what is under test here is paging, not how the documents were written.
    // Ten problem times for 1,010 authorizations: the order must hold through ties (`_id` breaks them),
    // and every 7th is active with no incident (incidentSince null) so nulls are paged too.
    const docs = Array.from({ length: COUNT }, (_, i) => {
      const active = i % 7 === 0;
      return {
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: `many-${i}`,
        customer: { name: `Customer ${i}`, email: `c${i}@example.com`, editedInRelink: false },
        utility: 'SCE',
        state: active ? 'active' : 'bad_login',
        reason: active ? null : 'invalid_credentials',
        incidentOpen: !active,
        incidentSince: active ? null : daysFromNow(-(i % 10)),
      };
    });
    const inserted = await models.Authorization.insertMany(docs);
    const created = inserted.map((doc) => doc._id.toHexString());
    const worklist = await loadedWorklist(db.connection);

    const seen: string[] = [];
    const keys: [number, string][] = [];
    let page = 1;
    for (;;) {
      const result = await worklist.page(SINGLE_WORKSPACE_ID, 'all', { now, page, pageSize: 20 });
      expect(result.total).toBe(COUNT);
      expect(result.pages).toBe(Math.ceil(COUNT / 20));
      for (const item of result.items) {
        seen.push(item._id.toHexString());
        keys.push([item.incidentSince?.getTime() ?? Number.NEGATIVE_INFINITY, item._id.toHexString()]);
      }
      if (page >= result.pages) break;
      page++;
    }
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    expect(new Set(seen)).toEqual(new Set(created));
    const sorted = [...keys].sort(([a, x], [b, y]) => b - a || (y > x ? 1 : y < x ? -1 : 0));
    expect(keys).toEqual(sorted);
  }, 60_000);
});

describe('sharing a database with another relink process', () => {
  const db = useTestDatabase('worklist_shared');

  it('shows what the other process wrote once it re-reads, and nothing twice', async () => {
    const other = await storesWithWorklist(db.connection);
    const given = fixtureBuilder(() => other);
    await given.authorization('before', [observed('bad_login', daysFromNow(-3))]);
    const here = await loadedWorklist(db.connection, 60_000);
    const badLogins = async () =>
      labelsOf(
        given.ids,
        (await here.page(SINGLE_WORKSPACE_ID, 'bad_logins', { now, page: 1, pageSize: 50 })).items,
      );
    expect(await badLogins()).toEqual(['before']);

    const after = await given.authorization('after', [observed('bad_login', daysFromNow(-1))]);
    await given.request(after, 'delivered', daysFromNow(-0.5));
    expect(await badLogins()).toEqual(['before']);

    await here.refresh();
    expect(await badLogins()).toEqual(['after', 'before']);
    expect((await here.counts(SINGLE_WORKSPACE_ID, now)).awaiting_customer).toBe(1);
    await other.authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: 'ext-after' },
      { event: observed('active', now), actor: 'platform', now },
    );
    await here.refresh();
    expect(await badLogins()).toEqual(['before']);
    expect(await here.counts(SINGLE_WORKSPACE_ID, now)).toMatchObject({ awaiting_customer: 0, all: 2 });
  });
});

describe('stopping while the worklist loads', () => {
  const db = useTestDatabase('worklist_stop');

  it('ends the load at the next row, logs no failure, and resolves stop() once the load has ended', async () => {
    const { models } = await storesWithWorklist(db.connection);
    // More than two of the source's batches of 200, so the load is mid-cursor when it is stopped.
    await models.Authorization.insertMany(
      Array.from({ length: 500 }, (_, i) => ({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: `stop-${i}`,
        customer: { name: `Customer ${i}`, email: `c${i}@example.com`, editedInRelink: false },
        utility: 'SCE',
        state: 'bad_login',
        reason: 'invalid_credentials',
        incidentOpen: true,
        incidentSince: daysFromNow(-1),
      })),
    );
    const lines: string[] = [];
    const log = createLogger(
      { level: 'debug', pretty: false },
      { write: (line: string) => lines.push(line) },
    );
    const source = createWorklistSource(db.connection);
    let visited = 0;
    let stopped: Promise<void> | null = null;
    // The real source, stopping the worklist while it hands over the 10th row.
    const stoppingSource: WorklistSource = {
      ...source,
      eachAuthorization: (after, visit) =>
        source.eachAuthorization(after, (row) => {
          visited += 1;
          if (visited === 10) stopped = worklist.stop();
          visit(row);
        }),
    };
    const worklist = createWorklist({
      source: stoppingSource,
      expiringWithinDays: 30,
      refreshEveryMs: 60_000,
      log,
    });
    worklist.start();
    await eventually(() => stopped !== null, 'the worklist to be stopped mid-load');
    await stopped;
    expect(visited).toBe(10);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).not.toContain('worklist loaded');
    expect(messages).not.toContain('worklist load failed; the next Home or /reauth retries');
  });
});
