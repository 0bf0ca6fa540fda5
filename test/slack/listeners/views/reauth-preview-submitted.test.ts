import type { ViewOutput } from '@slack/bolt';
import { ActionId, BlockId, CallbackId } from '../../../../src/slack/ids';
import { ada, alice, formValues, type SlackAnswer, useListenerHarness, viewText } from '../harness';

const h = useListenerHarness('reauth_preview');

const answered = (answer: SlackAnswer) => answer.json as { response_action: string; view: ViewOutput };

describe('Send on the email preview', () => {
  it('records one request for the previewed draft, queues it, and shows the queued view', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId), { ...ada, note: 'Thanks!' });

    const answer = await h.submit(preview, {});

    expect(answer.status).toBe(200);
    const queued = await h.applyUpdate(preview.id, answer);
    expect(queued.callback_id).toBe(CallbackId.requestQueued);
    expect(viewText(queued)).toContain('*Ada Lovelace* (ada@example.com) is queued');
    const requests = await h.requestsFor(authorizationId);
    expect(requests).toEqual([
      expect.objectContaining({
        status: 'queued',
        recipient: { name: 'Ada Lovelace', email: 'ada@example.com' },
        utility: 'PG&E',
        note: 'Thanks!',
        requestedBy: alice,
        idempotencyKey: expect.stringMatching(new RegExp(`^slack-view:${preview.id}:[0-9a-f]{16}$`)),
      }),
    ]);
    expect(h.queuedCount).toBe(1);
  });

  it('records the request once when the same Send arrives twice and again as Slack’s retry', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId));

    const first = await h.submit(preview, {});
    const again = await h.submit(preview, {});
    const retried = await h.submit(
      preview,
      {},
      { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
    );

    for (const answer of [first, again, retried]) {
      expect(answered(answer)).toMatchObject({
        response_action: 'update',
        view: { callback_id: CallbackId.requestQueued },
      });
    }
    expect(await h.requestsFor(authorizationId)).toHaveLength(1);
    expect(h.queuedCount).toBe(1);
  });

  it('records a new request for a draft edited in the same modal, replacing the first', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId));
    await h.submit(preview, {});

    // Slack leaves a submitted preview open when the answer is lost; the user edits and sends again.
    await h.click({ view: preview }, ActionId.editRequest);
    const form = h.openView(preview.id);
    const edited = await h.applyUpdate(
      form.id,
      await h.submit(form, formValues({ ...ada, email: 'ada@example.net' })),
    );
    await h.submit(edited, {});

    const requests = await h.requestsFor(authorizationId);
    expect(requests.map((r) => [r.recipient.email, r.status])).toEqual([
      ['ada@example.com', 'superseded'],
      ['ada@example.net', 'queued'],
    ]);
  });

  it('asks for "Send anyway" at the form step when a request went out less than 24 hours ago', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    await h.submit(await h.openPreview(notice), {});
    const [sent] = await h.requestsFor(authorizationId);
    if (!sent) throw new Error('no request recorded');
    await h.requests.advance(sent, 'sent', null, h.now, { sentAt: h.now });
    h.advance(2 * 3_600_000);

    const form = await h.openForm(notice);
    const answer = await h.submit(form, formValues({ ...ada, sendAnyway: false }));

    expect(answer.json).toEqual({
      response_action: 'errors',
      errors: { [BlockId.sendAnyway]: 'Last request sent 2 hours ago: tick Send anyway to send another' },
    });
    expect(await h.requestsFor(authorizationId)).toHaveLength(1);
  });

  it('sends nothing when another request went out while this preview was open, and says why', async () => {
    const authorizationId = await h.seedBadLogin();
    const notice = await h.postNotice(authorizationId);
    const mine = await h.openPreview(notice);
    await h.submit(await h.openPreview(notice), {});
    const [theirs] = await h.requestsFor(authorizationId);
    if (!theirs) throw new Error('no request recorded');
    await h.requests.advance(theirs, 'sent', null, h.now, { sentAt: h.now });

    const view = await h.applyUpdate(mine.id, await h.submit(mine, {}));

    expect(view.callback_id).toBe(CallbackId.reauthUnavailable);
    expect(viewText(view)).toContain('tick Send anyway');
    expect(await h.requestsFor(authorizationId)).toHaveLength(1);
  });

  it('sends nothing when the customer relinked while the preview was open', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId));
    await h.markActive(authorizationId);

    const view = await h.applyUpdate(preview.id, await h.submit(preview, {}));

    expect(viewText(view)).toBe(
      "This customer doesn't need to reauthorize right now: the authorization is working again.",
    );
    expect(await h.requestsFor(authorizationId)).toEqual([]);
  });

  it('logs an unexpected failure once and pushes plain words, so closing them returns to the preview', async () => {
    const authorizationId = await h.seedBadLogin();
    const preview = await h.openPreview(await h.postNotice(authorizationId));

    // A payload naming no workspace at all: relink cannot say who asked, so it records nothing.
    const answer = await h.submit(
      preview,
      {},
      {
        payload: (p) => ({ ...p, team: null, user: { id: alice.userId, name: 'alice' } }),
      },
    );

    expect(answered(answer)).toMatchObject({
      response_action: 'push',
      view: { callback_id: CallbackId.reauthUnavailable },
    });
    expect(viewText(answered(answer).view)).toContain('press Send again');
    expect(answer.text).not.toMatch(/at .*\.ts:\d+/);
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([
      expect.objectContaining({ msg: 'reauth request not recorded', code: 'slack_payload_invalid' }),
    ]);
    expect(await h.requestsFor(authorizationId)).toEqual([]);
  });
});
