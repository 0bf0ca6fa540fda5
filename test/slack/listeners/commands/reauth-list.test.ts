import { ActionId } from '../../../../src/slack/ids';
import { askReauthValue } from '../../../../src/slack/metadata';
import { allText, elementsWithActionIds } from '../../../support/block-kit';
import { type Customer, useListenerHarness } from '../harness';

const h = useListenerHarness('reauth_list');

const customer = (name: string, utility = 'PG&E'): Customer => ({
  name,
  email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
  utility,
});
const HOUR = 3_600_000;

describe('/reauth list, help and what it does not understand', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.older = await h.seed(customer('Olga Older'), 'bad_login', { ago: 5 * HOUR });
    ids.newer = await h.seed(customer('Nina Newer'), 'bad_login', { ago: 1 * HOUR, reason: 'locked' });
    ids.expired = await h.seed(customer('Ed Expired'), 'expired', { ago: 2 * HOUR });
    ids.declined = await h.seed(customer('Dee Declined'), 'declined', { ago: 3 * HOUR });
    ids.active = await h.seed(customer('Al Active'), 'active');
  });

  it('lists the bad logins, newest problem first, each with its button', async () => {
    const { answer, key } = await h.command('list bad-logins');

    expect(answer.status).toBe(200);
    const [reply, ...more] = h.responsesTo(key);
    expect(more).toEqual([]);
    expect(reply?.problems).toEqual([]);
    expect(reply?.body.response_type).toBe('ephemeral');
    const text = allText(reply?.body.blocks);
    expect(text).toContain('*Bad logins*: 2 authorizations, newest problem first');
    expect(text.indexOf('Nina Newer')).toBeLessThan(text.indexOf('Olga Older'));
    expect(text).not.toContain('Ed Expired');
    const buttons = elementsWithActionIds(reply?.body.blocks).filter((el) =>
      el.action_id.startsWith(ActionId.askReauth),
    );
    expect(buttons.map((b) => askReauthValue.decode(b.value).authorizationId)).toEqual([
      ids.newer,
      ids.older,
    ]);
    expect(h.listenerCalls('views.open')).toEqual([]);
  });

  it.each([
    ['expired', ['Ed Expired'], ['Dee Declined']],
    ['declined', ['Dee Declined'], ['Ed Expired']],
    ['all', ['Ed Expired', 'Dee Declined', 'Al Active', 'Nina Newer'], []],
  ])('lists %s', async (filter, shown, hidden) => {
    const { key } = await h.command(`list ${filter}`);

    const text = allText(h.responsesTo(key)[0]?.body.blocks);
    for (const name of shown) expect(text).toContain(name);
    for (const name of hidden) expect(text).not.toContain(name);
  });

  it('says beside a row when its customer asked not to be emailed, as the Home does', async () => {
    await h.suppressions.record({
      workspaceId: 'single',
      email: customer('Olga Older').email,
      reason: 'unsubscribe',
      at: h.now,
      requestId: 'an-earlier-request',
      now: h.now,
    });
    const { key } = await h.command('list bad-logins');
    const text = allText(h.responsesTo(key)[0]?.body.blocks);
    const olga = text.slice(text.indexOf('Olga Older'));
    expect(olga).toContain('unsubscribed from our email');
    expect(olga).toContain("relink won't email this address on its own again");
    expect(text.slice(text.indexOf('Nina Newer'), text.indexOf('Olga Older'))).not.toContain('unsubscribed');
  });

  it('says so when a filter is empty', async () => {
    const { key } = await h.command('list awaiting');

    expect(allText(h.responsesTo(key)[0]?.body.blocks)).toContain(
      'No customer has an unanswered reauthorization email.',
    );
  });

  it.each(['', 'help'])('answers %p with the usage and each filter’s count', async (text) => {
    const { key } = await h.command(text);

    const [reply] = h.responsesTo(key);
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(reply?.problems).toEqual([]);
    const words = allText(reply?.body.blocks);
    expect(words).toContain('`/reauth jane@example.com` — by email');
    expect(words).toContain('Bad logins: 2');
    expect(words).toContain('Expired / Declined: 2');
    expect(words).toContain('All: 5');
    expect(words).not.toContain("didn't understand");
  });

  it('answers what it does not understand with the usage, naming what it did not understand', async () => {
    const { key } = await h.command('list what');

    const [reply] = h.responsesTo(key);
    expect(reply?.body.text).toBe("relink didn't understand “list what”: try /reauth help");
    expect(allText(reply?.body.blocks)).toContain("relink didn't understand “list what”.");
    expect(allText(reply?.body.blocks)).toContain('`/reauth list bad-logins` — Bad logins: 2');
  });

  it('reads a single word as a name search, so "what" is answered as a search that matched nothing', async () => {
    const { key } = await h.command('what');

    expect(h.responsesTo(key)[0]?.body.text).toBe('No authorization matches “what”');
  });

  it('tells the user in plain words when the database fails, logs it once, and shows no trace', async () => {
    const counts = h.worklist.counts;
    h.worklist.counts = async () => {
      throw new Error('MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017');
    };
    try {
      const { key } = await h.command('help');

      expect(h.responsesTo(key).map((r) => r.body)).toEqual([
        { response_type: 'ephemeral', text: "relink couldn't look that up just now. Try again in a minute." },
      ]);
    } finally {
      h.worklist.counts = counts;
    }
    const errors = h.logged().filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([
      expect.objectContaining({ msg: 'reauth command not answered', listener: '/reauth' }),
    ]);
  });
});
