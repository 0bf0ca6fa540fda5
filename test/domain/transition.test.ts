import type {
  AuthorizationEvent,
  AuthorizationState,
  AuthorizationStatus,
  BadLoginReason,
  Effect,
} from '../../src/domain/authorization';
import { transition } from '../../src/domain/transition';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date('2026-06-15T12:00:00Z');
/** `days` from now (negative: before). */
const t = (days: number) => new Date(now.getTime() + days * DAY);

type Observed = Extract<AuthorizationEvent, { kind: 'observed' }>;

const status = (overrides: Partial<AuthorizationStatus> = {}): AuthorizationStatus => ({
  state: 'active',
  reason: null,
  expiresAt: t(90),
  declinedAt: null,
  revokedAt: null,
  lastEventAt: t(-1),
  incidentOpen: false,
  warnedDays: [],
  ...overrides,
});

// The statuses an authorization can really be in: customer-must-act states always have an open
// incident; pending and provider_issue have one only when they follow a customer-must-act state.
const STARTS = {
  pending: status({ state: 'pending' }),
  'pending (incident open)': status({ state: 'pending', incidentOpen: true }),
  active: status(),
  bad_login: status({ state: 'bad_login', reason: 'invalid_credentials', incidentOpen: true }),
  provider_issue: status({ state: 'provider_issue' }),
  'provider_issue (incident open)': status({ state: 'provider_issue', incidentOpen: true }),
  expired: status({ state: 'expired', expiresAt: t(-30), incidentOpen: true }),
  declined: status({ state: 'declined', declinedAt: t(-10), incidentOpen: true }),
  revoked: status({ state: 'revoked', revokedAt: t(-10), incidentOpen: true }),
} satisfies Record<string, AuthorizationStatus>;
type Start = keyof typeof STARTS;
const START_NAMES = Object.keys(STARTS) as Start[];

const start = (name: Start, overrides: Partial<AuthorizationStatus> = {}) => ({
  ...STARTS[name],
  ...overrides,
});

/** What the platform reports for an authorization in `state`, with realistic dates for it. */
const observed = (state: AuthorizationState, overrides: Partial<Observed> = {}): Observed => ({
  kind: 'observed',
  at: now,
  state,
  reason: state === 'bad_login' ? 'invalid_credentials' : null,
  expiresAt: state === 'expired' ? t(-30) : t(90),
  declinedAt: state === 'declined' ? t(-1) : null,
  revokedAt: state === 'revoked' ? t(-1) : null,
  ...overrides,
});

/** When `observed(state)` says the problem began: its expiry, decline or revocation, else the event. */
const problemSince = { expired: t(-30), declined: t(-1), revoked: t(-1), bad_login: now };

type Outcome = 'opens an incident' | 'updates the incident' | 'resolves the incident' | 'no incident effect';

function incidentEffects(
  outcome: Outcome,
  from: AuthorizationState,
  to: AuthorizationState,
  since: Date = problemSince[to as keyof typeof problemSince],
): Effect[] {
  const reason: BadLoginReason | null = to === 'bad_login' ? 'invalid_credentials' : null;
  switch (outcome) {
    case 'opens an incident':
      return [
        {
          type: 'incident.opened',
          state: to as 'bad_login' | 'expired' | 'declined' | 'revoked',
          reason,
          since,
        },
      ];
    case 'updates the incident':
      return [{ type: 'incident.changed', from, to, reason }];
    case 'resolves the incident':
      return [{ type: 'incident.resolved', from }];
    case 'no incident effect':
      return [];
  }
}

const incidentOpenAfter = (outcome: Outcome, before: boolean) =>
  outcome === 'opens an incident' || outcome === 'updates the incident'
    ? true
    : outcome === 'resolves the incident'
      ? false
      : before;

describe('transition: observed', () => {
  const opens: Outcome = 'opens an incident';
  const updates: Outcome = 'updates the incident';
  const resolves: Outcome = 'resolves the incident';
  const none: Outcome = 'no incident effect';
  const rows: Array<{ from: Start; to: AuthorizationState; outcome: Outcome }> = [
    { from: 'pending', to: 'pending', outcome: none },
    { from: 'pending', to: 'active', outcome: none },
    { from: 'pending', to: 'bad_login', outcome: opens },
    { from: 'pending', to: 'provider_issue', outcome: none },
    { from: 'pending', to: 'expired', outcome: opens },
    { from: 'pending', to: 'declined', outcome: opens },
    { from: 'pending', to: 'revoked', outcome: opens },

    { from: 'pending (incident open)', to: 'pending', outcome: none },
    { from: 'pending (incident open)', to: 'active', outcome: resolves },
    { from: 'pending (incident open)', to: 'bad_login', outcome: updates },
    { from: 'pending (incident open)', to: 'provider_issue', outcome: updates },
    { from: 'pending (incident open)', to: 'expired', outcome: updates },
    { from: 'pending (incident open)', to: 'declined', outcome: updates },
    { from: 'pending (incident open)', to: 'revoked', outcome: updates },

    { from: 'active', to: 'pending', outcome: none },
    { from: 'active', to: 'active', outcome: none },
    { from: 'active', to: 'bad_login', outcome: opens },
    { from: 'active', to: 'provider_issue', outcome: none },
    { from: 'active', to: 'expired', outcome: opens },
    { from: 'active', to: 'declined', outcome: opens },
    { from: 'active', to: 'revoked', outcome: opens },

    { from: 'bad_login', to: 'pending', outcome: updates },
    { from: 'bad_login', to: 'active', outcome: resolves },
    { from: 'bad_login', to: 'bad_login', outcome: none },
    { from: 'bad_login', to: 'provider_issue', outcome: updates },
    { from: 'bad_login', to: 'expired', outcome: updates },
    { from: 'bad_login', to: 'declined', outcome: updates },
    { from: 'bad_login', to: 'revoked', outcome: updates },

    { from: 'provider_issue', to: 'pending', outcome: none },
    { from: 'provider_issue', to: 'active', outcome: none },
    { from: 'provider_issue', to: 'bad_login', outcome: opens },
    { from: 'provider_issue', to: 'provider_issue', outcome: none },
    { from: 'provider_issue', to: 'expired', outcome: opens },
    { from: 'provider_issue', to: 'declined', outcome: opens },
    { from: 'provider_issue', to: 'revoked', outcome: opens },

    { from: 'provider_issue (incident open)', to: 'pending', outcome: updates },
    { from: 'provider_issue (incident open)', to: 'active', outcome: resolves },
    { from: 'provider_issue (incident open)', to: 'bad_login', outcome: updates },
    { from: 'provider_issue (incident open)', to: 'provider_issue', outcome: none },
    { from: 'provider_issue (incident open)', to: 'expired', outcome: updates },
    { from: 'provider_issue (incident open)', to: 'declined', outcome: updates },
    { from: 'provider_issue (incident open)', to: 'revoked', outcome: updates },

    { from: 'expired', to: 'pending', outcome: updates },
    { from: 'expired', to: 'active', outcome: resolves },
    { from: 'expired', to: 'bad_login', outcome: updates },
    { from: 'expired', to: 'provider_issue', outcome: updates },
    { from: 'expired', to: 'expired', outcome: none },
    { from: 'expired', to: 'declined', outcome: updates },
    { from: 'expired', to: 'revoked', outcome: updates },

    { from: 'declined', to: 'pending', outcome: updates },
    { from: 'declined', to: 'active', outcome: resolves },
    { from: 'declined', to: 'bad_login', outcome: updates },
    { from: 'declined', to: 'provider_issue', outcome: updates },
    { from: 'declined', to: 'expired', outcome: updates },
    { from: 'declined', to: 'declined', outcome: none },
    { from: 'declined', to: 'revoked', outcome: updates },

    { from: 'revoked', to: 'pending', outcome: updates },
    { from: 'revoked', to: 'active', outcome: resolves },
    { from: 'revoked', to: 'bad_login', outcome: updates },
    { from: 'revoked', to: 'provider_issue', outcome: updates },
    { from: 'revoked', to: 'expired', outcome: updates },
    { from: 'revoked', to: 'declined', outcome: updates },
    { from: 'revoked', to: 'revoked', outcome: none },
  ];

  it('covers every starting status against every observed state', () => {
    expect(rows).toHaveLength(START_NAMES.length * 7);
  });

  it.each(rows)('$from, then observed $to: $outcome', ({ from, to, outcome }) => {
    const current = start(from);
    const event = observed(to);
    const { next, effects, changed } = transition(current, event, now);

    expect(effects).toEqual(incidentEffects(outcome, current.state, to));
    const observedStatus = {
      state: to,
      reason: event.reason,
      expiresAt: event.expiresAt,
      declinedAt: event.declinedAt,
      revokedAt: event.revokedAt,
      incidentOpen: incidentOpenAfter(outcome, current.incidentOpen),
      warnedDays: [],
    };
    // Seeing the same status again is no change: lastEventAt only moves with a real one.
    const same = JSON.stringify(observedStatus) === JSON.stringify({ ...current, lastEventAt: undefined });
    expect(next).toEqual({ ...observedStatus, lastEventAt: same ? current.lastEventAt : now });
    expect(changed).toBe(!same);
  });
});

describe('transition: expiry_due', () => {
  const expiring: Array<{ from: Start; outcome: Outcome }> = [
    { from: 'pending', outcome: 'opens an incident' },
    { from: 'pending (incident open)', outcome: 'updates the incident' },
    { from: 'active', outcome: 'opens an incident' },
    { from: 'bad_login', outcome: 'updates the incident' },
    { from: 'provider_issue', outcome: 'opens an incident' },
    { from: 'provider_issue (incident open)', outcome: 'updates the incident' },
  ];

  it.each(expiring)('$from past its expiry becomes expired: $outcome', ({ from, outcome }) => {
    const current = start(from, { expiresAt: t(-1) });
    const { next, effects, changed } = transition(current, { kind: 'expiry_due', at: now }, now);

    // The problem began when the authorization expired, not when relink's job noticed.
    expect(effects).toEqual(incidentEffects(outcome, current.state, 'expired', t(-1)));
    expect(next).toEqual({ ...current, state: 'expired', reason: null, incidentOpen: true });
    expect(changed).toBe(true);
  });

  it('expires an authorization at the very instant of its expiry', () => {
    const current = start('active', { expiresAt: now });
    const { next, effects } = transition(current, { kind: 'expiry_due', at: now }, now);

    expect(next.state).toBe('expired');
    expect(effects).toEqual([{ type: 'incident.opened', state: 'expired', reason: null, since: now }]);
  });

  const unchanged: Array<{ from: Start; expiry: string; expiresAt: Date | null }> = [
    ...(['expired', 'declined', 'revoked'] as const).map((from) => ({
      from,
      expiry: 'an expiry in the past',
      expiresAt: t(-1),
    })),
    ...START_NAMES.map((from) => ({ from, expiry: 'an expiry in the future', expiresAt: t(1) })),
    ...START_NAMES.map((from) => ({ from, expiry: 'no expiry', expiresAt: null })),
  ];

  it.each(unchanged)('$from with $expiry stays as it is', ({ from, expiresAt }) => {
    const current = start(from, { expiresAt });
    const result = transition(current, { kind: 'expiry_due', at: now }, now);

    expect(result).toEqual({ next: current, effects: [], changed: false });
  });
});

describe('transition: expiry_warning_due', () => {
  const warn = (days: number, at = now): AuthorizationEvent => ({ kind: 'expiry_warning_due', at, days });

  it.each(['pending', 'pending (incident open)', 'active'] as const)(
    '%s expiring inside the threshold gets one warning and remembers it',
    (from) => {
      const current = start(from, { expiresAt: t(5), warnedDays: [30] });
      const { next, effects, changed } = transition(current, warn(7), now);

      expect(effects).toEqual([{ type: 'expiry.warning', days: 7, expiresAt: t(5) }]);
      expect(next).toEqual({ ...current, warnedDays: [30, 7] });
      expect(changed).toBe(true);
    },
  );

  it('warns when the expiry is exactly the threshold away', () => {
    const { effects } = transition(start('active', { expiresAt: t(7) }), warn(7), now);
    expect(effects).toEqual([{ type: 'expiry.warning', days: 7, expiresAt: t(7) }]);
  });

  const quiet: Array<{ from: Start; when: string; overrides: Partial<AuthorizationStatus> }> = [
    ...(
      [
        'bad_login',
        'provider_issue',
        'provider_issue (incident open)',
        'expired',
        'declined',
        'revoked',
      ] as const
    ).map((from) => ({ from, when: 'inside the threshold', overrides: { expiresAt: t(5) } })),
    ...START_NAMES.flatMap((from) => [
      { from, when: 'outside the threshold', overrides: { expiresAt: new Date(t(7).getTime() + 1) } },
      { from, when: 'already warned for it', overrides: { expiresAt: t(5), warnedDays: [7] } },
      { from, when: 'past its expiry', overrides: { expiresAt: t(-1) } },
      { from, when: 'with no expiry', overrides: { expiresAt: null } },
    ]),
  ];

  it.each(quiet)('$from $when gets no warning', ({ from, overrides }) => {
    const current = start(from, overrides);
    const result = transition(current, warn(7), now);

    expect(result).toEqual({ next: current, effects: [], changed: false });
  });
});

describe('transition: event order', () => {
  it('ignores an observation older than the last one applied', () => {
    const current = start('bad_login', { lastEventAt: now });
    const result = transition(current, observed('active', { at: new Date(now.getTime() - HOUR) }), now);

    expect(result).toEqual({ next: current, effects: [], changed: false });
  });

  it('applies an observation made at the same instant as the last one', () => {
    const current = start('bad_login', { lastEventAt: now });
    const { next, effects } = transition(current, observed('active'), now);

    expect(effects).toEqual([{ type: 'incident.resolved', from: 'bad_login' }]);
    expect(next.state).toBe('active');
  });

  it('applies the first observation when none was applied before', () => {
    const { next, effects } = transition(start('pending', { lastEventAt: null }), observed('bad_login'), now);

    expect(effects).toEqual([
      { type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials', since: now },
    ]);
    expect(next.lastEventAt).toEqual(now);
  });

  it('keeps a resolution when a bad login observed earlier arrives late', () => {
    const resolved = transition(start('bad_login'), observed('active'), now).next;
    const late = transition(resolved, observed('bad_login', { at: new Date(now.getTime() - HOUR) }), now);

    expect(late).toEqual({ next: resolved, effects: [], changed: false });
  });

  it.each<[string, AuthorizationEvent]>([
    ['expiry_due', { kind: 'expiry_due', at: now }],
    ['expiry_warning_due', { kind: 'expiry_warning_due', at: now, days: 7 }],
  ])('%s applies whatever lastEventAt says and leaves it alone', (_kind, event) => {
    const expiresAt = event.kind === 'expiry_due' ? t(-1) : t(5);
    const current = start('active', { expiresAt, lastEventAt: t(1) });
    const { next, effects } = transition(current, event, now);

    expect(effects).toHaveLength(1);
    expect(next.lastEventAt).toEqual(t(1));
  });
});

describe('transition: repeated events', () => {
  it.each<[string, Start, AuthorizationEvent]>([
    ['a bad login', 'active', observed('bad_login')],
    ['a recovery', 'bad_login', observed('active')],
    ['a utility outage during an incident', 'bad_login', observed('provider_issue')],
    ['an expiry', 'active', { kind: 'expiry_due', at: now }],
    ['an expiry warning', 'active', { kind: 'expiry_warning_due', at: now, days: 90 }],
  ])('%s applied twice has effects only the first time', (_name, from, event) => {
    const first = transition(
      start(from, { expiresAt: event.kind === 'expiry_due' ? t(-1) : t(90) }),
      event,
      now,
    );
    const second = transition(first.next, event, now);

    expect(first.effects).toHaveLength(1);
    expect(second).toEqual({ next: first.next, effects: [], changed: false });
  });

  it('ignores a later identical observation: no change, no effects, lastEventAt stays', () => {
    const first = transition(start('active'), observed('bad_login'), now);
    const later = transition(first.next, observed('bad_login', { at: new Date(now.getTime() + HOUR) }), now);

    expect(later.effects).toEqual([]);
    expect(later.changed).toBe(false);
    expect(later.next).toEqual(first.next);
  });
});

describe('transition: renewal and lapsed observations', () => {
  it('forgets earlier warnings when the platform reports a new expiry', () => {
    const current = start('active', { expiresAt: t(5), warnedDays: [30, 7] });
    const { next, effects } = transition(current, observed('active', { expiresAt: t(365) }), now);

    expect(effects).toEqual([]);
    expect(next.warnedDays).toEqual([]);
    expect(next.expiresAt).toEqual(t(365));
  });

  it('keeps earlier warnings while the expiry is the same', () => {
    const current = start('active', { expiresAt: t(5), warnedDays: [30, 7] });
    const { next } = transition(current, observed('active', { expiresAt: t(5) }), now);

    expect(next.warnedDays).toEqual([30, 7]);
  });

  it('warns again for a threshold already used before the renewal', () => {
    const renewed = transition(
      start('active', { expiresAt: t(5), warnedDays: [30] }),
      observed('active', { expiresAt: t(20) }),
      now,
    ).next;
    const { effects } = transition(renewed, { kind: 'expiry_warning_due', at: now, days: 30 }, now);

    expect(effects).toEqual([{ type: 'expiry.warning', days: 30, expiresAt: t(20) }]);
  });

  it.each(['active', 'pending', 'provider_issue'] as const)(
    'treats %s observed past its expiry as expired',
    (state) => {
      const { next, effects } = transition(start('active'), observed(state, { expiresAt: now }), now);

      expect(next.state).toBe('expired');
      expect(effects).toEqual([{ type: 'incident.opened', state: 'expired', reason: null, since: now }]);
    },
  );

  it.each(['bad_login', 'declined', 'revoked'] as const)(
    'keeps %s observed past its expiry as reported',
    (state) => {
      const { next } = transition(start('active'), observed(state, { expiresAt: t(-1) }), now);

      expect(next.state).toBe(state);
    },
  );
});

describe('transition: bad login reasons', () => {
  it('reads a bad login without a reason as invalid credentials', () => {
    const { next, effects } = transition(start('active'), observed('bad_login', { reason: null }), now);

    expect(next.reason).toBe('invalid_credentials');
    expect(effects).toEqual([
      { type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials', since: now },
    ]);
  });

  it('drops a reason reported with any state but bad_login', () => {
    const { next } = transition(start('active'), observed('provider_issue', { reason: 'locked' }), now);

    expect(next.reason).toBeNull();
  });

  it('updates the incident when the reason for a bad login changes', () => {
    const { next, effects } = transition(
      start('bad_login'),
      observed('bad_login', { reason: 'locked' }),
      now,
    );

    expect(next.reason).toBe('locked');
    expect(effects).toEqual([
      { type: 'incident.changed', from: 'bad_login', to: 'bad_login', reason: 'locked' },
    ]);
  });

  it('treats a stored bad login without a reason like invalid credentials', () => {
    const current = start('bad_login', { reason: null });
    const { next, effects } = transition(
      current,
      observed('bad_login', { reason: 'invalid_credentials' }),
      now,
    );

    expect(effects).toEqual([]);
    expect(next.reason).toBe('invalid_credentials');
  });
});

describe('transition: when a problem began', () => {
  it('takes a bad login from the note that reported it, not from when relink heard of it', () => {
    const { effects } = transition(start('active'), observed('bad_login', { problemSince: t(-3) }), now);
    expect(effects).toEqual([
      { type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials', since: t(-3) },
    ]);
  });

  it.each([
    ['expired', { expiresAt: t(-30) }, t(-30)],
    ['declined', { declinedAt: t(-7) }, t(-7)],
    ['revoked', { revokedAt: t(-2) }, t(-2)],
  ] as const)('takes %s from its own date', (state, dates, since) => {
    const { effects } = transition(start('active'), observed(state, dates), now);
    expect(effects).toMatchObject([{ type: 'incident.opened', since }]);
  });

  it('uses the observation time when the platform gives no date, or one after the observation', () => {
    const undated = transition(start('active'), observed('declined', { declinedAt: null }), now);
    const future = transition(start('active'), observed('bad_login', { problemSince: t(1) }), now);
    expect(undated.effects).toMatchObject([{ type: 'incident.opened', since: now }]);
    expect(future.effects).toMatchObject([{ type: 'incident.opened', since: now }]);
  });
});

describe('transition: incidents across states', () => {
  it('follows one incident from bad login through an outage to recovery', () => {
    const hour = (h: number) => new Date(now.getTime() + h * HOUR);
    const a = transition(start('active'), observed('bad_login', { at: hour(1) }), hour(1));
    const b = transition(a.next, observed('provider_issue', { at: hour(2) }), hour(2));
    const c = transition(b.next, observed('active', { at: hour(3) }), hour(3));

    expect([...a.effects, ...b.effects, ...c.effects]).toEqual([
      { type: 'incident.opened', state: 'bad_login', reason: 'invalid_credentials', since: hour(1) },
      { type: 'incident.changed', from: 'bad_login', to: 'provider_issue', reason: null },
      { type: 'incident.resolved', from: 'provider_issue' },
    ]);
    expect(c.next.incidentOpen).toBe(false);
  });
});

describe('transition: purity', () => {
  const frozen = (s: AuthorizationStatus) =>
    Object.freeze({ ...s, warnedDays: Object.freeze([...s.warnedDays]) });

  it.each<[string, AuthorizationEvent]>([
    ['an observation', observed('active', { expiresAt: t(365) })],
    ['an expiry', { kind: 'expiry_due', at: now }],
    ['an expiry warning', { kind: 'expiry_warning_due', at: now, days: 7 }],
  ])('leaves the current status untouched on %s', (_name, event) => {
    const current = frozen(
      start('active', { expiresAt: event.kind === 'expiry_due' ? t(-1) : t(5), warnedDays: [30] }),
    );
    const snapshot = structuredClone(current);
    const { next } = transition(current as AuthorizationStatus, event, now);

    expect(current).toEqual(snapshot);
    expect(next).not.toBe(current);
    expect(next.warnedDays).not.toBe(current.warnedDays);
  });

  it('returns a fresh copy even when an event is ignored', () => {
    const current = start('active', { lastEventAt: now, warnedDays: [30] });
    const { next } = transition(current, observed('bad_login', { at: t(-1) }), now);

    expect(next).toEqual(current);
    expect(next.warnedDays).not.toBe(current.warnedDays);
  });
});
