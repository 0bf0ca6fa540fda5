import type { AuthorizationState } from '../../src/domain/authorization';
import type { RequestStatus } from '../../src/domain/reauth-request';
import { HOME_TABS, isListedIn, matchesSearch, parseSearch, searchTermsOf } from '../../src/domain/worklist';
import {
  createWorklistIndex,
  type IndexedAuthorization,
  type IndexedEntry,
} from '../../src/worklist/worklist-index';
import { seededRandom } from '../support/seeded-random';

const WS = 'T-one';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
let counter = 0;
const hexId = (n: number) => n.toString(16).padStart(24, '0');

const authorization = (extra: Partial<IndexedAuthorization> = {}): IndexedAuthorization => ({
  id: hexId(++counter),
  workspaceId: WS,
  version: 1,
  name: 'Jane Doe',
  email: 'jane@example.com',
  utility: 'PG&E',
  state: 'bad_login',
  reason: 'invalid_credentials',
  expiresAt: null,
  declinedAt: null,
  revokedAt: null,
  incidentOpen: true,
  incidentSince: NOW - DAY,
  ...extra,
});

const request = (id: string, createdAt: number, status: RequestStatus, statusAt = createdAt) => ({
  id,
  createdAt,
  status,
  statusAt,
});

const ids = (entries: readonly IndexedEntry[]) => entries.map((e) => e.id);
const newIndex = () => createWorklistIndex({ expiringWithinDays: 30 });

describe('the worklist index', () => {
  it('keeps the newest revision of an authorization whatever order copies arrive in', () => {
    const index = newIndex();
    const v2 = authorization({ version: 2, state: 'active', incidentOpen: false, incidentSince: null });
    index.putAuthorization(v2);
    index.putAuthorization({ ...v2, version: 1, state: 'bad_login' });
    expect(index.get(WS, v2.id)?.state).toBe('active');
    index.putAuthorization({ ...v2, version: 3, state: 'expired' });
    expect(index.get(WS, v2.id)?.state).toBe('expired');
    expect(index.size).toBe(1);
  });

  it('names the open latest requests of customers who relinked, for the sender to complete', () => {
    const index = newIndex();
    const relinked = authorization({ state: 'active', incidentOpen: false, incidentSince: null });
    const stillBad = authorization();
    const done = authorization({ state: 'active', incidentOpen: false, incidentSince: null });
    const neverAsked = authorization({ state: 'active', incidentOpen: false, incidentSince: null });
    for (const a of [relinked, stillBad, done, neverAsked]) index.putAuthorization(a);
    index.putRequest(relinked.id, request('r-relinked', NOW - 5000, 'delivered'));
    index.putRequest(stillBad.id, request('r-bad', NOW - 5000, 'sent'));
    index.putRequest(done.id, request('r-done', NOW - 5000, 'completed'));
    expect(index.openRequestsOfRelinked()).toEqual(['r-relinked']);
  });

  it('keeps the latest request of each authorization and follows its status, never going back', () => {
    const index = newIndex();
    const a = authorization();
    // A request seen before its authorization (a load reads requests last, a write may come first).
    index.putRequest(a.id, request('r1', NOW - 5000, 'sent'));
    index.putAuthorization(a);
    expect(index.get(WS, a.id)?.request?.id).toBe('r1');

    index.putRequest(a.id, request('r2', NOW - 1000, 'queued'));
    index.putRequest(a.id, request('r1', NOW - 5000, 'delivered', NOW - 500));
    expect(index.get(WS, a.id)?.request).toMatchObject({ id: 'r2', status: 'queued' });

    index.setRequestStatus('r1', 'opened', NOW); // no longer the latest: ignored
    index.setRequestStatus('r2', 'delivered', NOW);
    index.setRequestStatus('r2', 'sent', NOW - 100); // an older copy of r2: ignored
    expect(index.get(WS, a.id)?.request).toMatchObject({ id: 'r2', status: 'delivered' });
    expect(index.counts(WS, NOW).awaiting_customer).toBe(1);
  });

  it('orders by newest problem first after an incident moves, ties by newest id, no problem last', () => {
    const index = newIndex();
    const old = authorization({ incidentSince: NOW - 9 * DAY });
    const tieA = authorization({ incidentSince: NOW - 2 * DAY });
    const tieB = authorization({ incidentSince: NOW - 2 * DAY });
    const none = authorization({ state: 'active', incidentOpen: false, incidentSince: null });
    for (const a of [old, tieA, tieB, none]) index.putAuthorization(a);
    const all = () => ids(index.page(WS, 'all', { now: NOW, page: 1, pageSize: 10 }).items);
    expect(all()).toEqual([tieB.id, tieA.id, old.id, none.id]);
    index.putAuthorization({ ...old, version: 2, incidentSince: NOW - 1000 });
    expect(all()).toEqual([old.id, tieB.id, tieA.id, none.id]);
  });

  it('finds by the first letter of a word, across every word that starts with it', () => {
    const index = newIndex();
    const jo = authorization({ name: 'Jo Smith', email: 'a@example.com' });
    const janet = authorization({ name: 'Mary Janet', email: 'b@example.com' });
    const zed = authorization({ name: 'Zed', email: 'zed@example.com' });
    for (const a of [jo, janet, zed]) index.putAuthorization(a);
    expect(new Set(ids(index.find(WS, 'J', 10).items))).toEqual(new Set([jo.id, janet.id]));
    expect(ids(index.find(WS, 'ZED@example.com', 10).items)).toEqual([zed.id]);
    expect(ids(index.find(WS, 'z', 10).items)).toEqual([zed.id]);
    expect(index.find(WS, 'mary j', 10).total).toBe(1);
  });
});

describe('the worklist index against a plain filter-and-sort over the same data', () => {
  const next = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const STATES: AuthorizationState[] = ['pending', 'active', 'bad_login', 'expired', 'declined', 'revoked'];
  const NAMES = ['Ada', 'Adam', 'Grace', 'Alan', 'Jane', 'Janet', 'Al', 'Mary Jo', "O'Hara", 'Zoë'];
  const STATUSES: RequestStatus[] = ['queued', 'sent', 'delivered', 'opened', 'bounced', 'failed'];

  const index = newIndex();
  const truth = new Map<string, IndexedEntry>();
  const randomAuthorization = (id: string, version: number): IndexedAuthorization => {
    const state = pick(STATES);
    const incidentOpen = ['bad_login', 'expired', 'declined', 'revoked'].includes(state);
    return {
      ...authorization({ id, version, state, incidentOpen }),
      name: `${pick(NAMES)} ${pick(NAMES)}`,
      email: `${pick(NAMES).toLowerCase().replace(/\W/g, '')}.${id.slice(-4)}@example.com`,
      expiresAt: next() < 0.5 ? NOW + Math.floor((next() - 0.2) * 60) * DAY : null,
      // Few distinct times, so ties are common.
      incidentSince: incidentOpen ? NOW - Math.floor(next() * 5) * DAY : null,
    };
  };

  beforeAll(() => {
    for (let n = 1; n <= 2_000; n++) {
      const a = randomAuthorization(hexId(1_000_000 + n), 1);
      index.putAuthorization(a);
      truth.set(a.id, { ...a, request: null });
    }
    // Then a stream of changes: new revisions, new requests, status changes.
    for (let n = 0; n < 3_000; n++) {
      const id = hexId(1_000_000 + 1 + Math.floor(next() * 2_000));
      const held = truth.get(id) as IndexedEntry;
      if (next() < 0.5) {
        const changed = randomAuthorization(id, held.version + 1);
        index.putAuthorization(changed);
        truth.set(id, { ...held, ...changed });
      } else {
        const status = pick(STATUSES);
        const r = request(`r${n}`, NOW + n, status);
        index.putRequest(id, r);
        truth.set(id, { ...held, request: r });
      }
    }
  });

  const byNewestProblem = (a: IndexedEntry, b: IndexedEntry) =>
    (b.incidentSince ?? -Infinity) - (a.incidentSince ?? -Infinity) || (a.id < b.id ? 1 : -1);
  const expected = (tab: (typeof HOME_TABS)[number], search: string | null) => {
    const parsed = parseSearch(search);
    return [...truth.values()]
      .filter((e) => isListedIn(tab, { ...e, requestStatus: e.request?.status ?? null }, NOW, 30))
      .filter((e) => !parsed || matchesSearch(parsed, e.id, searchTermsOf(e)))
      .sort(byNewestProblem)
      .map((e) => e.id);
  };

  it.each(
    HOME_TABS.flatMap((tab) =>
      [null, 'ja', 'a', 'mary jo', 'zoë', 'jane.1001@example.com'].map((search) => [tab, search] as const),
    ),
  )('%s, search %s: same members, same order, same pages', (tab, search) => {
    const want = expected(tab, search);
    const got: string[] = [];
    for (let page = 1; ; page++) {
      const result = index.page(WS, tab, { now: NOW, page, pageSize: 20, search });
      expect(result.total).toBe(want.length);
      got.push(...ids(result.items));
      if (page >= result.pages) break;
    }
    expect(got).toEqual(want);
  });

  it('counts each tab as the plain filter does', () => {
    const counts = index.counts(WS, NOW);
    for (const tab of HOME_TABS)
      expect({ tab, n: counts[tab] }).toEqual({ tab, n: expected(tab, null).length });
  });
});

describe('worklist index across workspaces', () => {
  it('counts, pages, finds and gets only the asking workspace’s authorizations', () => {
    const index = createWorklistIndex({ expiringWithinDays: 30 });
    const ours = authorization({ name: 'Jane Ours', email: 'jane@ours.example' });
    const theirs = authorization({ workspaceId: 'T-two', name: 'Jane Theirs', email: 'jane@theirs.example' });
    index.putAuthorization(ours);
    index.putAuthorization(theirs);

    expect(index.counts(WS, NOW).all).toBe(1);
    expect(index.counts('T-two', NOW).all).toBe(1);
    expect(ids(index.page(WS, 'all', { now: NOW, page: 1, pageSize: 10 }).items)).toEqual([ours.id]);
    expect(ids(index.find(WS, 'jane', 10).items)).toEqual([ours.id]);
    // A search by the other workspace's id or email finds nothing.
    expect(index.find(WS, theirs.id, 10).total).toBe(0);
    expect(index.find(WS, 'jane@theirs.example', 10).total).toBe(0);
    expect(index.get(WS, theirs.id)).toBeUndefined();
    expect(index.get('T-two', theirs.id)?.name).toBe('Jane Theirs');
  });
});
