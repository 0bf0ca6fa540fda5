import { ActionId } from '../../../../src/slack/ids';
import { ALERTS, ALICE, useListenerHarness } from '../harness';

const h = useListenerHarness('retry_send');

/** A request whose email could not be sent, with its "could not send" reply in the notice's thread. */
async function failedRequest() {
  const authorizationId = await h.seedBadLogin();
  const notice = await h.postNotice(authorizationId);
  const request = await h.seedRequest(authorizationId, `failed:${authorizationId}`);
  await h.requests.advance(request, 'failed', null, h.now, {
    attempts: 1,
    lastError: { code: 'email_rejected', message: 'Invalid email' },
  });
  const reply = await h.postSendFailed(notice, request._id.toHexString());
  return { requestId: request._id.toHexString(), notice, reply };
}

describe('Retry on a "could not send" reply', () => {
  it('queues the failed request again and tells the clicker, in the thread, that it is on its way', async () => {
    const { requestId, notice, reply } = await failedRequest();

    expect((await h.click({ message: reply }, ActionId.retrySend)).status).toBe(200);

    const request = await h.requests.findById(requestId);
    expect(request).toMatchObject({ status: 'queued', lastError: null, sendingSince: null });
    expect(request?.nextAttemptAt).toEqual(h.now);
    expect(h.queuedCount).toBe(1);
    expect(h.standin.ephemeralMessages).toEqual([
      expect.objectContaining({
        channel: ALERTS,
        user: ALICE,
        threadTs: notice.ts,
        text: expect.stringContaining('again'),
      }),
    ]);
  });

  it('says there is nothing to retry when the request is no longer failed', async () => {
    const { requestId, reply } = await failedRequest();
    await h.click({ message: reply }, ActionId.retrySend);

    await h.click({ message: reply }, ActionId.retrySend);

    expect(h.standin.ephemeralMessages.at(-1)).toMatchObject({
      user: ALICE,
      text: 'This request is no longer failed; nothing to retry.',
    });
    expect(h.queuedCount).toBe(1);
    expect((await h.requests.findById(requestId))?.status).toBe('queued');
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it('logs a Retry button relink did not write once, and tells the clicker what to do instead', async () => {
    const notice = await h.postNotice(await h.seedBadLogin());
    const reply = await h.postMessage({
      channel: ALERTS,
      thread_ts: notice.ts,
      text: 'The reauthorization email could not be sent.',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ActionId.retrySend,
              text: { type: 'plain_text', text: 'Retry' },
              value: '{"v":2,"requestId":"65f0c0ffee"}',
            },
          ],
        },
      ],
    });

    await h.click({ message: reply }, ActionId.retrySend);

    expect(h.standin.ephemeralMessages).toEqual([
      expect.objectContaining({
        user: ALICE,
        text: expect.stringContaining('Ask the customer again from the notice'),
      }),
    ]);
    expect(h.logged().filter((line) => Number(line.level) >= 40)).toEqual([
      expect.objectContaining({
        msg: 'reauth request not retried',
        code: 'metadata_invalid',
        listener: ActionId.retrySend,
      }),
    ]);
  });
});
