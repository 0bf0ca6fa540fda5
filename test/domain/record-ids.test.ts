import { OutboxId, refusalAuditId, SendAttemptId, SendSubject } from '../../src/domain/record-ids';

describe("a request effect's outbox entry", () => {
  it('is one per request for queued, sent and bounced, whatever the attempt', () => {
    const queued = { type: 'request.queued' as const, requestId: 'r1', requestedBy: 'U1' };
    const sent = { type: 'request.sent' as const, requestId: 'r1', sentTo: 'a@example.com', at: new Date() };
    const bounced = { type: 'request.bounced' as const, requestId: 'r1', sentTo: 'a@example.com' };
    expect(OutboxId.requestEffect(queued, 1)).toBe(OutboxId.requestEffect(queued, 2));
    expect(OutboxId.requestEffect(sent, 1)).toBe(OutboxId.requestEffect(sent, 3));
    expect(OutboxId.requestEffect(bounced, 1)).toBe(OutboxId.requestEffect(bounced, 2));
    expect(new Set([queued, sent, bounced].map((e) => OutboxId.requestEffect(e, 1))).size).toBe(3);
  });

  it('is one per failed attempt, so a Retry that fails again is reported again', () => {
    const failed = {
      type: 'request.failed' as const,
      requestId: 'r1',
      code: 'email_rejected' as const,
      message: null,
    };
    expect(OutboxId.requestEffect(failed, 1)).toBe(OutboxId.requestEffect(failed, 1));
    expect(OutboxId.requestEffect(failed, 1)).not.toBe(OutboxId.requestEffect(failed, 2));
  });

  it('never collides with another request', () => {
    const sent = (requestId: string) => ({
      type: 'request.sent' as const,
      requestId,
      sentTo: 'a@x',
      at: new Date(),
    });
    expect(OutboxId.requestEffect(sent('r1'), 1)).not.toBe(OutboxId.requestEffect(sent('r2'), 1));
  });
});

describe('send attempt records', () => {
  it("are one claim and one call per attempt, keyed `<requestId>:<attempt>`, apart from any other's", () => {
    const subject = SendSubject.request('65f0c0ffee65f0c0ffee65f0');
    expect(SendAttemptId.claim(subject, 1)).toBe('65f0c0ffee65f0c0ffee65f0:1');
    const ids = [1, 2].flatMap((a) => [SendAttemptId.claim(subject, a), SendAttemptId.call(subject, a)]);
    expect(new Set(ids).size).toBe(4);
    expect(SendAttemptId.claim(SendSubject.request('other'), 1)).not.toBe(SendAttemptId.claim(subject, 1));
  });

  it('report an unconfirmed attempt once per attempt, so Send again that is not confirmed either says so again', () => {
    const unconfirmed = { type: 'request.unconfirmed' as const, requestId: 'r1', sentTo: 'a@example.com' };
    expect(OutboxId.requestEffect(unconfirmed, 1)).toBe(OutboxId.requestEffect(unconfirmed, 1));
    expect(OutboxId.requestEffect(unconfirmed, 1)).not.toBe(OutboxId.requestEffect(unconfirmed, 2));
  });
});

describe("an access refusal's audit event", () => {
  it('is one per person and interaction, so Slack retrying an interaction records it once', () => {
    expect(refusalAuditId('slack:T1/U1', 'k1')).toBe(refusalAuditId('slack:T1/U1', 'k1'));
    expect(refusalAuditId('slack:T1/U1', 'k1')).not.toBe(refusalAuditId('slack:T1/U1', 'k2'));
    expect(refusalAuditId('slack:T1/U1', 'k1')).not.toBe(refusalAuditId('slack:T1/U2', 'k1'));
  });
});
