import type { ViewOutput } from '@slack/bolt';
import { ActionId, BlockId, CallbackId } from '../../../../src/slack/ids';
import { askReauthValue, reauthFormMeta } from '../../../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { type Customer, initialValues, type ListenerHarness, useListenerHarness, viewText } from '../harness';

const h = useListenerHarness('reauth_command');

const janeDoe: Customer = { name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' };
const janeRoe: Customer = { name: 'Jane Roe', email: 'jroe@example.com', utility: 'SCE' };
const grace: Customer = { name: 'Grace Hopper', email: 'grace@example.com', utility: 'SDG&E' };

/** The modal a listener opened (views.open) as the stand-in holds it now, after any updates. */
function openedView(harness: ListenerHarness, index = 0): ViewOutput {
  const call = harness.listenerCalls('views.open')[index];
  const id = (call?.response as { view?: { id?: string } } | undefined)?.view?.id;
  if (!call?.ok || !id) throw new Error(`views.open failed: ${call?.error ?? 'not called'}`);
  return harness.openView(id);
}

const askButtons = (blocks: unknown) =>
  elementsWithActionIds(blocks).filter((el) => el.action_id.startsWith(ActionId.askReauth));

describe('/reauth <email|id|name>', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.janeDoe = await h.seedBadLogin(janeDoe);
    ids.janeRoe = await h.seed(janeRoe, 'expired', { ago: 3_600_000 });
    ids.grace = await h.seed(grace, 'active');
  });

  it('acks at once and opens the reauth form prefilled for the one customer with that email', async () => {
    const { answer, key } = await h.command('JANE@example.com');

    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    const form = openedView(h);
    expect(form.callback_id).toBe(CallbackId.reauthForm);
    expect(initialValues(form)).toMatchObject({
      [BlockId.customerName]: 'Jane Doe',
      [BlockId.customerEmail]: 'jane@example.com',
      [BlockId.utility]: 'PG&E',
    });
    expect(viewText(form)).toContain("Username and password didn't work");
    // The metadata carries the authorization and its problem, and nothing about where the form came from.
    const meta = reauthFormMeta.decode(form.private_metadata);
    expect(meta).toMatchObject({ authorizationId: ids.janeDoe });
    expect(meta).not.toHaveProperty('channel');
    expect(meta).not.toHaveProperty('noticeTs');
    expect(h.responsesTo(key)).toEqual([]);
  });

  it('opens the form for an authorization id', async () => {
    await h.command(String(ids.janeRoe));

    const form = openedView(h);
    expect(reauthFormMeta.decode(form.private_metadata).authorizationId).toBe(ids.janeRoe);
    expect(initialValues(form)[BlockId.customerName]).toBe('Jane Roe');
  });

  it('lists both Janes for "jan", ephemerally, each with the button that opens the form', async () => {
    const { key } = await h.command('jan');

    expect(h.listenerCalls('views.open')).toEqual([]);
    const [reply, ...more] = h.responsesTo(key);
    expect(more).toEqual([]);
    expect(reply?.problems).toEqual([]);
    expect(reply?.body.response_type).toBe('ephemeral');
    const text = allText(reply?.body.blocks);
    expect(text).toContain('2 authorizations match “jan”');
    expect(text).toContain('Jane Doe');
    expect(text).toContain('Jane Roe');
    const buttons = askButtons(reply?.body.blocks);
    expect(buttons.map((b) => askReauthValue.decode(b.value).authorizationId).sort()).toEqual(
      [ids.janeDoe, ids.janeRoe].sort(),
    );
  });

  it('opens the form from a button in that list, with no notice to update', async () => {
    const { key } = await h.command('jane');
    const [reply] = h.responsesTo(key);
    if (!reply) throw new Error('no reply');
    const second = askButtons(reply.body.blocks)[1];
    if (!second) throw new Error('no second button');

    expect((await h.clickEphemeral(reply, second.action_id)).status).toBe(200);

    const form = openedView(h);
    const meta = reauthFormMeta.decode(form.private_metadata);
    expect(meta.authorizationId).toBe(askReauthValue.decode(second.value).authorizationId);
    expect(meta).not.toHaveProperty('channel');
    expect(meta).not.toHaveProperty('noticeTs');
  });

  it('explains that nothing matched, and what to try instead', async () => {
    const { key } = await h.command('nothing-here');

    expect(h.listenerCalls('views.open')).toEqual([]);
    const [reply] = h.responsesTo(key);
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(reply?.body.text).toBe('No authorization matches “nothing-here”');
    expect(allText(reply?.body.blocks)).toContain('Try a full email');
  });

  it('shows where a single match stands, without a modal, when the customer need not act', async () => {
    const { key } = await h.command('grace@example.com');

    expect(h.listenerCalls('views.open')).toEqual([]);
    const [reply] = h.responsesTo(key);
    expect(allText(reply?.body.blocks)).toContain('Grace Hopper');
    expect(askButtons(reply?.body.blocks)).toEqual([]);
  });

  it('shows the first 10 of many matches and how many more there are', async () => {
    for (let i = 1; i <= 12; i += 1) {
      await h.seedBadLogin({ name: `Quincy ${i}`, email: `quincy${i}@example.com`, utility: 'PG&E' });
    }

    const { key } = await h.command('quin');

    const [reply] = h.responsesTo(key);
    expect(reply?.problems).toEqual([]);
    expect(askButtons(reply?.body.blocks)).toHaveLength(10);
    expect(new Set(askButtons(reply?.body.blocks).map((b) => b.action_id)).size).toBe(10);
    expect(allText(reply?.body.blocks)).toContain('…and 2 more — narrow it down or open the App Home');
  });

  describe('when the search is slower than a trigger_id can wait (FerretDB scanning many authorizations)', () => {
    it('opens a loading modal first, then turns it into the form', async () => {
      h.slowSearch(1_700);

      await h.command('jane@example.com');

      const [opened] = h.listenerCalls('views.open');
      expect(opened).toMatchObject({ ok: true, args: { view: { callback_id: CallbackId.reauthLoading } } });
      expect(h.listenerCalls('views.update')).toEqual([expect.objectContaining({ ok: true })]);
      const form = openedView(h);
      expect(form.callback_id).toBe(CallbackId.reauthForm);
      expect(initialValues(form)[BlockId.customerEmail]).toBe('jane@example.com');
    });

    it('lists several matches in the conversation and says so in the modal it had to open', async () => {
      h.slowSearch(1_700);

      const { key } = await h.command('jan');

      expect(allText(h.responsesTo(key)[0]?.body.blocks)).toContain('2 authorizations match “jan”');
      const modal = openedView(h);
      expect(modal.callback_id).toBe(CallbackId.reauthUnavailable);
      expect(viewText(modal)).toBe(
        "2 authorizations match “jan”. Pick one from relink's reply in the conversation.",
      );
    });
  });

  describe('failures', () => {
    it('tells the user in plain words when the search fails, and logs it once', async () => {
      h.failSearch(new Error('connection to 127.0.0.1:27017 closed'));

      const { key } = await h.command('jan');

      expect(h.responsesTo(key).map((r) => r.body)).toEqual([
        { response_type: 'ephemeral', text: "relink couldn't search just now. Try again in a minute." },
      ]);
      const errors = h.logged().filter((line) => Number(line.level) >= 50);
      expect(errors).toEqual([
        expect.objectContaining({ msg: 'reauth search failed', listener: '/reauth', code: 'unexpected' }),
      ]);
    });

    it('logs once when the answer cannot be delivered (an expired response_url)', async () => {
      h.responseUrls.failNext(404);

      await h.command('nothing-here');

      const errors = h.logged().filter((line) => Number(line.level) >= 50);
      expect(errors).toEqual([
        expect.objectContaining({
          msg: 'slack request failed',
          request: '/reauth',
          err: expect.objectContaining({ message: expect.stringContaining('404') }),
        }),
      ]);
    });

    it('logs an expired trigger_id once (the form cannot open any more)', async () => {
      await h.command('jane@example.com', { triggerAgeMs: 4_000 });

      expect(h.listenerCalls('views.open')).toEqual([
        expect.objectContaining({ error: 'expired_trigger_id' }),
      ]);
      const errors = h.logged().filter((line) => Number(line.level) >= 50);
      expect(errors).toEqual([expect.objectContaining({ msg: 'slack request failed' })]);
    });
  });
});
