import {
  HOME_TAB_LABELS,
  HOME_TABS,
  isHomeTab,
  isListedIn,
  matchesSearch,
  normalizeSearch,
  parseSearch,
  scopeOfFilter,
  searchTermsOf,
  tabOfFilter,
  WORKLIST_FILTERS,
  type WorklistFacts,
} from '../../src/domain/worklist';

describe('the worklist vocabulary', () => {
  it('labels the tabs in the dashboard’s words', () => {
    expect(HOME_TABS.map((tab) => HOME_TAB_LABELS[tab])).toEqual([
      'Bad logins',
      'Expired / Declined',
      'Expiring soon',
      'Awaiting customer',
      'Mine',
      'All',
    ]);
  });

  it('maps every command filter to a tab, expired and declined to one tab narrowed to their state', () => {
    expect(WORKLIST_FILTERS.map((f) => tabOfFilter(f))).toEqual([
      'bad_logins',
      'expired_declined',
      'expired_declined',
      'expiring_soon',
      'awaiting_customer',
      'mine',
      'all',
    ]);
    expect(scopeOfFilter('expired')).toEqual({ tab: 'expired_declined', state: 'expired' });
    expect(scopeOfFilter('declined')).toEqual({ tab: 'expired_declined', state: 'declined' });
    expect(scopeOfFilter('bad-logins')).toEqual({ tab: 'bad_logins' });
  });

  it('recognises only its own tabs', () => {
    expect(isHomeTab('expired_declined')).toBe(true);
    expect(isHomeTab('expired')).toBe(false);
    expect(isHomeTab(3)).toBe(false);
  });

  it('keeps a search as one trimmed, bounded line, and a blank one as none', () => {
    expect(normalizeSearch('  Jane\n\tDoe ')).toBe('Jane Doe');
    expect(normalizeSearch('   ')).toBeNull();
    expect(normalizeSearch(null)).toBeNull();
    expect(normalizeSearch('x'.repeat(1000))).toHaveLength(254);
  });
});

describe('which tab lists an authorization', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const DAY = 86_400_000;
  const facts = (extra: Partial<WorklistFacts> = {}): WorklistFacts => ({
    state: 'active',
    expiresAt: null,
    incidentOpen: false,
    requestStatus: null,
    ...extra,
  });
  const tabsOf = (f: WorklistFacts) => HOME_TABS.filter((tab) => isListedIn(tab, f, now, 30));

  it.each([
    ['a bad login', facts({ state: 'bad_login', incidentOpen: true }), ['bad_logins', 'all']],
    ['an expired one', facts({ state: 'expired', incidentOpen: true }), ['expired_declined', 'all']],
    ['a declined one', facts({ state: 'declined', incidentOpen: true }), ['expired_declined', 'all']],
    ['a revoked one', facts({ state: 'revoked', incidentOpen: true }), ['expired_declined', 'all']],
    ['a provider issue', facts({ state: 'provider_issue' }), ['all']],
    ['active, expiring in 30 days', facts({ expiresAt: now + 30 * DAY }), ['expiring_soon', 'all']],
    ['active, expiring in 30 days and a second', facts({ expiresAt: now + 30 * DAY + 1000 }), ['all']],
    [
      'pending, expiring tomorrow',
      facts({ state: 'pending', expiresAt: now + DAY }),
      ['expiring_soon', 'all'],
    ],
    ['active, expiry just passed', facts({ expiresAt: now }), ['all']],
    ['a bad login expiring soon', facts({ state: 'bad_login', expiresAt: now + DAY }), ['bad_logins', 'all']],
    [
      'a bad login whose email was delivered',
      facts({ state: 'bad_login', incidentOpen: true, requestStatus: 'delivered' }),
      ['bad_logins', 'awaiting_customer', 'all'],
    ],
    [
      'a bad login whose latest request bounced',
      facts({ state: 'bad_login', incidentOpen: true, requestStatus: 'bounced' }),
      ['bad_logins', 'all'],
    ],
    [
      'a bad login whose request is still queued',
      facts({ state: 'bad_login', incidentOpen: true, requestStatus: 'queued' }),
      ['bad_logins', 'all'],
    ],
    ['resolved after an opened email', facts({ requestStatus: 'opened' }), ['all']],
  ] as const)('%s', (_what, f, tabs) => {
    expect(tabsOf(f)).toEqual(tabs);
  });

  it('narrows a tab to one state for /reauth list expired or declined', () => {
    const expired = facts({ state: 'expired', incidentOpen: true });
    expect(isListedIn(scopeOfFilter('expired'), expired, now, 30)).toBe(true);
    expect(isListedIn(scopeOfFilter('declined'), expired, now, 30)).toBe(false);
  });
});

describe('reading a search', () => {
  it('reads an id, an email or name words, lower-cased, and a blank as no search', () => {
    expect(parseSearch(' 0123456789ABCDEF01234567 ')).toEqual({ kind: 'id', id: '0123456789abcdef01234567' });
    expect(parseSearch('Jane.Doe@Example.com')).toEqual({ kind: 'email', email: 'jane.doe@example.com' });
    expect(parseSearch('Mary  JAN')).toEqual({ kind: 'words', words: ['mary', 'jan'] });
    expect(parseSearch('.*')).toEqual({ kind: 'words', words: [] });
    expect(parseSearch('   ')).toBeNull();
  });

  it('matches every typed word against the start of some name word, and an email whole', () => {
    const terms = searchTermsOf({ name: "Mary-Jane O'Neil Roe", email: 'MJ@Example.com' });
    expect(terms).toEqual(['mary-jane', "o'neil", 'roe', 'mj@example.com']);
    const matches = (raw: string) => {
      const search = parseSearch(raw);
      return search !== null && matchesSearch(search, 'x', terms);
    };
    expect(matches('mary')).toBe(true);
    expect(matches('roe mary-j')).toBe(true);
    expect(matches("o'n")).toBe(true);
    expect(matches('jane')).toBe(false);
    expect(matches('roe zed')).toBe(false);
    expect(matches('mj@example.com')).toBe(true);
    expect(matches('mj@example')).toBe(false);
    expect(matches('.*')).toBe(false);
  });
});
