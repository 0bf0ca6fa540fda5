import {
  HOME_TAB_LABELS,
  HOME_TABS,
  isHomeTab,
  normalizeSearch,
  scopeOfFilter,
  tabOfFilter,
  WORKLIST_FILTERS,
} from '../../src/domain/worklist';

describe('the worklist vocabulary', () => {
  it('labels the tabs in the dashboard’s words', () => {
    expect(HOME_TABS.map((tab) => HOME_TAB_LABELS[tab])).toEqual([
      'Bad logins',
      'Expired / Declined',
      'Expiring soon',
      'Awaiting customer',
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
