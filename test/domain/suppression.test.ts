import {
  bounceReasonWords,
  emailEligibility,
  isSameAddress,
  normalizeEmail,
  suppressionReasonOf,
  suppressionStopsQueuedSend,
} from '../../src/domain/suppression';

const at = new Date('2026-11-28T10:00:00Z');
const spam = { reason: 'spamreport' as const, at };

describe('suppressionReasonOf', () => {
  it.each([
    ['spamreport', 'spamreport'],
    ['unsubscribe', 'unsubscribe'],
    ['group_unsubscribe', 'unsubscribe'],
    ['group_resubscribe', null],
    ['bounce', null],
    ['delivered', null],
  ] as const)('reads %s as %s', (event, reason) => {
    expect(suppressionReasonOf(event)).toBe(reason);
  });
});

describe('comparing addresses', () => {
  it('ignores case and surrounding spaces, nothing else', () => {
    expect(normalizeEmail('  Jane.Roe@Example.COM ')).toBe('jane.roe@example.com');
    expect(isSameAddress('Jane@Example.com', 'jane@example.com')).toBe(true);
    expect(isSameAddress('jane@example.com', 'jane@exmaple.com')).toBe(false);
  });
});

describe('emailEligibility', () => {
  const facts = (over: Partial<Parameters<typeof emailEligibility>[0]> = {}) =>
    emailEligibility({
      suppression: null,
      lastEmailBounced: false,
      sender: 'automatic',
      override: false,
      ...over,
    });

  it('lets anyone email an address nobody objected to', () => {
    expect(facts()).toEqual({ allowed: true });
    expect(facts({ sender: 'person' })).toEqual({ allowed: true });
  });

  it('never lets an automatic send reach a suppressed address, even with an override', () => {
    expect(facts({ suppression: spam })).toEqual({
      allowed: false,
      because: 'suppressed',
      suppression: spam,
    });
    expect(facts({ suppression: spam, override: true })).toMatchObject({
      allowed: false,
      because: 'suppressed',
    });
  });

  it('lets a person send to a suppressed address only with the explicit override', () => {
    expect(facts({ suppression: spam, sender: 'person' })).toMatchObject({ allowed: false });
    expect(facts({ suppression: spam, sender: 'person', override: true })).toEqual({ allowed: true });
  });

  it('keeps automatic sends off a bounced address, but lets a person try it again', () => {
    expect(facts({ lastEmailBounced: true })).toEqual({ allowed: false, because: 'bounced' });
    expect(facts({ lastEmailBounced: true, sender: 'person' })).toEqual({ allowed: true });
  });
});

describe('bounceReasonWords', () => {
  it("masks every address in SendGrid's reason and keeps the rest", () => {
    expect(bounceReasonWords('550 5.1.1 <jane@example.com>: user unknown; cc bob@corp.example.org')).toBe(
      '550 5.1.1 <j***@e***.com>: user unknown; cc b***@c***.org',
    );
  });

  it('says nothing for no reason, and keeps a long one short', () => {
    expect(bounceReasonWords(undefined)).toBeNull();
    expect(bounceReasonWords('  ')).toBeNull();
    expect(bounceReasonWords('x'.repeat(1000))?.length).toBe(300);
  });
});

describe('suppressionStopsQueuedSend', () => {
  const before = new Date(at.getTime() - 60_000);
  const after = new Date(at.getTime() + 60_000);
  it('lets a request go when nothing is suppressed', () => {
    expect(suppressionStopsQueuedSend(null, { createdAt: before, sendAnyway: false })).toBe(false);
  });
  it('stops a request made without Send anyway', () => {
    expect(suppressionStopsQueuedSend(spam, { createdAt: after, sendAnyway: false })).toBe(true);
  });
  it('lets Send anyway through for the suppression the person saw, not for one recorded since', () => {
    expect(suppressionStopsQueuedSend(spam, { createdAt: after, sendAnyway: true })).toBe(false);
    expect(suppressionStopsQueuedSend(spam, { createdAt: before, sendAnyway: true })).toBe(true);
  });
});
