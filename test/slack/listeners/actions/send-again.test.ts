import { sendUnconfirmedReply } from '../../../../blocks/send-unconfirmed-message';
import { ActionId } from '../../../../src/slack/ids';
import { ALERTS, ALICE, useListenerHarness } from '../harness';

const h = useListenerHarness('send_again');

/** A request whose email relink could not confirm, with its "could not confirm" reply in the thread. */
async function unconfirmedRequest() {
  const authorizationId = await h.seedBadLogin();
  const notice = await h.postNotice(authorizationId);
  const request = await h.seedRequest(authorizationId, `unconfirmed:${authorizationId}`);
  await h.requests.advance(request, 'failed', null, h.now, {
    attempts: 1,
    lastError: { code: 'send_outcome_unknown', message: 'SendGrid neither answered nor reported it' },
  });
  const requestId = request._id.toHexString();
  const reply = await h.postMessage({
    channel: notice.channel,
    thread_ts: notice.ts,
    ...sendUnconfirmedReply({ requestId, sentTo: request.recipient.email }),
  });
  return { requestId, notice, reply };
}

describe('Send again on a "could not confirm the email" reply', () => {
  it('queues the request for one more attempt and tells the clicker, in the thread', async () => {
    const { requestId, notice, reply } = await unconfirmedRequest();

    expect((await h.click({ message: reply }, ActionId.sendAgain)).status).toBe(200);

    expect(await h.requests.findById(requestId)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: null,
      sendingSince: null,
    });
    expect(h.queuedCount).toBe(1);
    expect(h.standin.ephemeralMessages).toEqual([
      expect.objectContaining({
        channel: ALERTS,
        user: ALICE,
        threadTs: notice.ts,
        text: "Sending the email again. The notice will show when it's sent.",
      }),
    ]);
  });

  it('says there is nothing to send again once the email was confirmed after all', async () => {
    const { requestId, reply } = await unconfirmedRequest();
    const request = await h.requests.findById(requestId);
    if (!request) throw new Error('no request');
    await h.requests.advance(request, 'sent', null, h.now, { lastError: null });

    await h.click({ message: reply }, ActionId.sendAgain);

    expect(h.standin.ephemeralMessages.at(-1)).toMatchObject({
      user: ALICE,
      text: 'This request is no longer failed; nothing to retry.',
    });
    expect(h.queuedCount).toBe(0);
    expect((await h.requests.findById(requestId))?.status).toBe('sent');
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it('logs a Send again button relink did not write once, and tells the clicker what to do instead', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());
    const reply = await h.postMessage({
      channel: ALERTS,
      thread_ts: notice.ts,
      text: 'relink could not confirm the email.',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ActionId.sendAgain,
              text: { type: 'plain_text', text: 'Send again' },
              value: '{"v":9,"requestId":"nope"}',
            },
          ],
        },
      ],
    });

    await h.click({ message: reply }, ActionId.sendAgain);

    expect(h.standin.ephemeralMessages).toEqual([
      expect.objectContaining({ user: ALICE, text: expect.stringContaining('Ask the customer again') }),
    ]);
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([
      expect.objectContaining({ msg: 'reauth email not sent again', code: 'metadata_invalid' }),
    ]);
  });
});
