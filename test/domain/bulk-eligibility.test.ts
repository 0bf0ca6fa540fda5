import {
  type BulkCandidateFacts,
  bulkSkipReason,
  bulkSkipReasonOfError,
  isFailedStatus,
  isSentStatus,
} from '../../src/domain/bulk-eligibility';

const now = new Date('2026-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const facts = (over: Partial<BulkCandidateFacts> = {}): BulkCandidateFacts => ({
  visible: true,
  state: 'bad_login',
  email: 'jane@example.com',
  latestRequest: null,
  lastSentAt: null,
  suppressed: false,
  ...over,
});

describe('who a bulk ask skips', () => {
  it('asks a customer who must act, has a valid address and was never asked', () => {
    expect(bulkSkipReason(facts(), now, 24)).toBeNull();
    expect(bulkSkipReason(facts({ state: 'expired' }), now, 24)).toBeNull();
  });

  it('skips an authorization of another workspace or one that is gone as not allowed', () => {
    expect(bulkSkipReason(facts({ visible: false }), now, 24)).toBe('not_allowed');
  });

  it('skips one that no longer needs the customer', () => {
    expect(bulkSkipReason(facts({ state: 'active' }), now, 24)).toBe('nothing_to_fix');
    expect(bulkSkipReason(facts({ state: 'provider_issue' }), now, 24)).toBe('nothing_to_fix');
  });

  it('skips a missing or invalid address', () => {
    expect(bulkSkipReason(facts({ email: null }), now, 24)).toBe('no_valid_email');
    expect(bulkSkipReason(facts({ email: 'jane@' }), now, 24)).toBe('no_valid_email');
  });

  it('skips a suppressed address', () => {
    expect(bulkSkipReason(facts({ suppressed: true }), now, 24)).toBe('suppressed');
  });

  it('skips a customer whose request is queued or waits for them', () => {
    for (const status of ['queued', 'sent', 'delivered', 'opened', 'clicked'] as const)
      expect(bulkSkipReason(facts({ latestRequest: { status } }), now, 24)).toBe('awaiting_customer');
  });

  it('skips a customer sent an email within the cooldown, and asks again after it', () => {
    const failed = { status: 'failed' as const };
    expect(bulkSkipReason(facts({ latestRequest: failed, lastSentAt: hoursAgo(2) }), now, 24)).toBe(
      'cooldown',
    );
    expect(bulkSkipReason(facts({ latestRequest: failed, lastSentAt: hoursAgo(25) }), now, 24)).toBeNull();
    expect(bulkSkipReason(facts({ latestRequest: failed, lastSentAt: hoursAgo(2) }), now, 0)).toBeNull();
  });

  it('gives the first reason that applies', () => {
    expect(bulkSkipReason(facts({ state: 'active', email: null, suppressed: true }), now, 24)).toBe(
      'nothing_to_fix',
    );
  });

  it('maps the send step’s refusals to skip reasons, and nothing else', () => {
    expect(bulkSkipReasonOfError('cooldown_active')).toBe('cooldown');
    expect(bulkSkipReasonOfError('nothing_to_fix')).toBe('nothing_to_fix');
    expect(bulkSkipReasonOfError('authorization_not_found')).toBe('not_allowed');
    expect(bulkSkipReasonOfError('email_suppressed')).toBe('suppressed');
    expect(bulkSkipReasonOfError('unexpected')).toBeNull();
  });

  it('tells sent from failed statuses', () => {
    expect(isSentStatus('delivered')).toBe(true);
    expect(isSentStatus('completed')).toBe(true);
    expect(isSentStatus('queued')).toBe(false);
    expect(isFailedStatus('bounced')).toBe(true);
    expect(isFailedStatus('sent')).toBe(false);
  });
});
