import type { ViewOutput } from '@slack/bolt';
import { auditActorOf } from '../../../../src/domain/actor';
import { ActionId, CallbackId, keyedActionId } from '../../../../src/slack/ids';
import { allText } from '../../../support/block-kit';
import { ALICE, ada, alice, type Customer, useListenerHarness } from '../harness';

const h = useListenerHarness('history_page');

/** The timeline lines of a history modal (one context block per revision, after the range line). */
const entries = (view: ViewOutput): string[] =>
  (view.blocks as { type: string; elements?: { text?: string }[] }[])
    .filter((b) => b.type === 'context')
    .map((b) => b.elements?.[0]?.text ?? '')
    .filter((text) => text.startsWith('<!date^'));

const openedView = (): ViewOutput => {
  const opened = h.listenerCalls('views.open').at(-1);
  const id = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id;
  if (!id) throw new Error('no view opened');
  return h.openView(id);
};

describe("History: an authorization's timeline, newest first", () => {
  it('pages through 100 events from `/reauth history <email>`, 20 at a time, newest first', async () => {
    const lin: Customer = { name: 'Lin Chen', email: 'lin@example.com', utility: 'SMUD' };
    const id = await h.seed(lin, 'bad_login');
    // 99 more revisions: "I'm on it" and Unassign in turn, each audited with who did it.
    for (let n = 0; n < 99; n++) {
      await h.authorizations.applyById(id, {
        triage: { command: { kind: n % 2 === 0 ? 'assign' : 'unassign' }, userId: ALICE },
        actor: auditActorOf(alice),
        now: new Date(h.now.getTime() + n * 1000),
      });
    }
    expect((await h.authorizations.findById(id))?.version).toBe(100);

    await h.command('history lin@example.com');
    let view = openedView();
    expect(view.callback_id).toBe(CallbackId.authorizationHistory);
    expect(allText(view.blocks)).toContain('1–20 of 100');
    let lines = entries(view);
    expect(lines).toHaveLength(20);
    // Revision 100 (the 99th triage, an "I'm on it") is first.
    expect(lines[0]).toContain("Said “I'm on it”");
    expect(lines[0]).toContain(`by <@${ALICE}>`);
    expect(lines[1]).toContain('Unassigned');

    const seen = new Set(lines);
    for (let page = 2; page <= 5; page++) {
      await h.click({ view }, ActionId.historyNext);
      view = h.openView(view.id);
      expect(allText(view.blocks)).toContain(`${(page - 1) * 20 + 1}–${page * 20} of 100`);
      lines = entries(view);
      expect(lines).toHaveLength(20);
      for (const line of lines) seen.add(line);
    }
    // The last page ends with the first revision, the platform's report of the bad login, and has no Older.
    expect(lines.at(-1)).toContain("Username and password didn't work");
    expect(lines.at(-1)).toContain('(notice posted)');
    expect(lines.at(-1)).toContain('by the platform');
    expect(allText(view.blocks)).not.toContain('Older');
    await h.click({ view }, ActionId.historyPrevious);
    expect(allText(h.openView(view.id).blocks)).toContain('61–80 of 100');
  });

  it("opens from a Home row's History button", async () => {
    await h.seedBadLogin(ada);
    await h.openHome();
    await h.click({ view: h.currentHome() }, keyedActionId(ActionId.openHistory, '0'));
    const view = openedView();
    expect(allText(view.blocks)).toContain('1–1 of 1');
    expect(entries(view)[0]).toContain("Username and password didn't work");
  });

  it("shows a request's email where it stands now: sent, then delivered", async () => {
    const grace: Customer = { name: 'Grace Hopper', email: 'grace@example.com', utility: 'PG&E' };
    const id = await h.seed(grace, 'bad_login');
    await h.submit(await h.openPreview(await h.postNotice(id)), {});
    const [request] = await h.requestsFor(id);
    if (!request) throw new Error('no request recorded');
    await h.requests.advance(request, 'delivered', null, h.now, { sentAt: h.now });

    await h.command(`history ${id}`);
    const v = openedView();
    const asked = entries(v).find((line) => line.includes('Asked the customer to reauthorize'));
    expect(asked).toContain('email sent <!date^');
    expect(asked).toContain(', delivered <!date^');
    expect(asked).toContain(`by <@${ALICE}>`);
  });

  it('says so when `/reauth history` matches nobody, and opens nothing', async () => {
    const { key } = await h.command('history nobody@example.com');
    expect(h.responsesTo(key)[0]?.body.text).toContain('No authorization matches');
    expect(h.listenerCalls('views.open')).toHaveLength(0);
  });

  afterEach(() => {
    const refused = h.standin.calls.filter((c) => !c.ok && c.method !== 'users.info');
    expect(refused.map((c) => `${c.method}: ${c.error}`)).toEqual([]);
  });
});
