import { randomBytes } from 'node:crypto';
import type { ViewOutput } from '@slack/bolt';
import type { View } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { ObjectId } from 'mongodb';
import { ActionId, BlockId, Command } from '../../src/slack/ids';
import { askReauthValue } from '../../src/slack/metadata';
import { SlackPath } from '../../src/slack/receivers';
import { formValues, initialValues } from '../slack/listeners/harness';
import { createResponseUrls } from '../slack/listeners/response-urls';
import { actionIds, allText } from '../support/block-kit';
import { eventually } from '../support/eventually';
import { SIGNING_SECRET, useOAuthRelink } from '../support/oauth-relink';
import { createSendgridStandin } from '../support/sendgrid-standin';
import {
  blockActionsPayload,
  interactiveBody,
  postToSlackEndpoint,
  type SlackActor,
  slashCommandBody,
  viewSubmissionPayload,
} from '../support/slack-signing';
import type { PostedMessage } from '../support/slack-standin';
import {
  createUtilityApiStandIn,
  type UtilityApiAccount,
  utilityApiTime,
} from '../support/utilityapi-standin';

/*
 * Issue 10, "Done when": two workspaces installed through the OAuth round trip, each with its own alert
 * channel and its own UtilityAPI account (one UtilityAPI stand-in serving two tokens, each seeing only
 * its own authorizations). Everything goes over HTTP: signed webhooks, signed Slack requests, and the
 * Slack stand-in, which knows which workspace each issued token belongs to and refuses another
 * workspace's channel. The tests run in order: each builds on what the previous one left.
 */

const NORTH = { teamId: 'T0NORTH001', teamName: 'North Solar', userId: 'U0NADMIN01' };
const SOUTH = { teamId: 'T0SOUTH001', teamName: 'South Solar', userId: 'U0SADMIN01' };
const NORTH_CHANNEL = 'C0NORTHALR';
const SOUTH_CHANNEL = 'C0SOUTHALR';
const alice: SlackActor = { userId: 'U0NALICE01', teamId: NORTH.teamId };
const bob: SlackActor = { userId: 'U0SBOB0001', teamId: SOUTH.teamId };
// The same first name on both sides: a search that crossed workspaces would find two.
const janeNorth = { name: 'Jane Northcott', email: 'jane.northcott@north.example', utility: 'PG&E' };
const janeSouth = {
  name: 'Jane Southwell',
  email: 'jane.southwell@south.example',
  utility: 'Southern California Edison',
};
const SECRETS = { north: 'whsec-north-0001', south: 'whsec-south-0001' };

const utilityapi = createUtilityApiStandIn({ token: 'uapi-north-token' });
const southAccount = utilityapi.addAccount('uapi-south-token');
const sendgrid = createSendgridStandin({ apiKey: 'SG.two-workspaces' });
const responseUrls = createResponseUrls();
let utilityApiUrl = '';

beforeAll(async () => {
  [{ url: utilityApiUrl }] = await Promise.all([utilityapi.start(), sendgrid.start(), responseUrls.start()]);
});
// Hooks run in the order declared: relink starts after the stand-ins above and stops before them.
const r = useOAuthRelink('two_workspaces', {
  env: () => ({
    UTILITYAPI_URL: utilityApiUrl,
    SENDGRID_API_KEY: 'SG.two-workspaces',
    SENDGRID_FROM_EMAIL: 'support@relink.example',
    SENDGRID_FROM_NAME: 'relink',
    SENDGRID_API_URL: sendgrid.url,
  }),
  start: { processEvery: 200, jobIntervals: { publishNotices: '1 second', sendRequests: '1 second' } },
});
afterAll(async () => {
  await Promise.all([utilityapi.stop(), sendgrid.stop(), responseUrls.stop()]);
});

const events = () => `${r.base}${SlackPath.events}`;
const tokenOf = (teamId: string) => r.standin.oauth.tokensOf(teamId).at(-1)?.token ?? 'no token';
const webhookUrl = (path: string) => `${r.base}/webhooks/utilityapi/${path}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const paths = { north: '', south: '' };

type Delivery = { url: string; secret: string };

/** UtilityAPI tells `delivery.url` that `uid` of `account` changed; resolves with relink's status. */
const deliver = (account: UtilityApiAccount, uid: string, delivery: Delivery) =>
  account.deliverWebhook({
    ...delivery,
    events: [{ type: 'authorization_update_finished_errored', authorization_uid: uid }],
  });

/** A customer of `account` has a bad login, and UtilityAPI reports it to `delivery.url`. */
async function badLogin(
  account: UtilityApiAccount,
  customer: { name: string; email: string; utility: string },
  delivery: Delivery,
) {
  const ts = utilityApiTime(new Date());
  const platform = account.upsertAuthorization({
    customer_email: customer.email,
    customer_signature: { type: 'text', ts, full_name: customer.name },
    utility: customer.utility,
    notes: [{ type: 'access_invalid', msg: 'Invalid login', ts }],
  });
  return { uid: platform.uid, status: await deliver(account, platform.uid, delivery) };
}

const topLevel = (channel: string) => [...r.standin.messages(channel).values()].filter((m) => !m.threadTs);
const noticeFor = (channel: string, name: string) =>
  eventually(() => topLevel(channel).find((m) => allText(m.blocks).includes(name)), `the notice for ${name}`);

const interact = (payload: object) => postToSlackEndpoint(events(), interactiveBody(payload), SIGNING_SECRET);
const click = (actor: SlackActor, message: PostedMessage, actionId: string, value?: string) => {
  const payload = blockActionsPayload({
    actor,
    triggerId: r.standin.issueTriggerId({ userId: actor.userId }),
    actionId,
    source: { message },
  });
  // A forged value: what a modified client could send for a button it was shown.
  if (value !== undefined) payload.actions = payload.actions.map((a) => ({ ...a, value }));
  return interact(payload);
};
const submit = (actor: SlackActor, view: ViewOutput, values: Parameters<typeof formValues>[0] | null) =>
  interact(
    viewSubmissionPayload({
      actor,
      triggerId: r.standin.issueTriggerId({ userId: actor.userId, viewId: view.id }),
      view,
      values: values ? formValues(values) : {},
    }),
  );
const reauth = (actor: SlackActor, text: string, key: string) =>
  postToSlackEndpoint(
    events(),
    slashCommandBody({
      actor,
      command: Command.reauth,
      text,
      channelId: actor === alice ? NORTH_CHANNEL : SOUTH_CHANNEL,
      triggerId: r.standin.issueTriggerId({ userId: actor.userId }),
      responseUrl: responseUrls.url(key),
    }),
    SIGNING_SECRET,
  );
/** How many "Ask the utility customer to reauthorize" buttons (one per row) a message or view has. */
const rowButtons = (shown: unknown) =>
  actionIds(shown).filter((id) => id.split('.')[0] === ActionId.askReauth).length;
const answerAt = (key: string) =>
  eventually(() => responseUrls.posts.find((p) => p.key === key)?.body, `the answer to ${key}`);
const homeOpened = (user: string) => ({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' });
/** The view the `views.open` call made after `from` opened, as the stand-in holds it. */
const openedSince = async (from: number): Promise<ViewOutput> => {
  const call = await eventually(
    () => r.standin.calls.slice(from).find((c) => c.method === 'views.open' && c.ok),
    'views.open',
  );
  const id = (call.response as { view: { id: string } }).view.id;
  const stored = r.standin.views.byId.get(id);
  if (!stored) throw new Error(`no view ${id}`);
  return stored.output;
};

/** Everything relink keeps about one authorization, as stored. */
async function storedAbout(authorizationId: ObjectId) {
  const all = (collection: string) =>
    r.db.collection(collection).find({ authorizationId }).sort({ _id: 1 }).toArray();
  return {
    authorization: await r.db.collection('authorizations').findOne({ _id: authorizationId }),
    requests: await all('reauth_requests'),
    audit: await all('audit_events'),
    outbox: await all('outbox'),
    notices: await all('notices'),
  };
}
const authorizationIdOf = async (uid: string) => {
  const doc = await eventually(
    async () => (await r.db.collection('authorizations').findOne({ externalId: uid })) ?? undefined,
    `the authorization ${uid}`,
  );
  return { id: doc._id as ObjectId, workspaceId: doc.workspaceId as string };
};

const north = { uid: '', notice: undefined as PostedMessage | undefined };
const south = { uid: '', notice: undefined as PostedMessage | undefined };
const ready = (m: PostedMessage | undefined): PostedMessage => {
  if (!m) throw new Error('an earlier test did not post this notice');
  return m;
};

describe('two workspaces installed through OAuth', () => {
  beforeAll(async () => {
    for (const team of [NORTH, SOUTH]) expect((await r.install(team)).status).toBe(200);
    r.standin.addChannel({ id: NORTH_CHANNEL, name: 'north-alerts', teamId: NORTH.teamId });
    r.standin.addChannel({ id: SOUTH_CHANNEL, name: 'south-alerts', teamId: SOUTH.teamId });
    r.standin.addUser({ id: alice.userId, teamId: NORTH.teamId });
    r.standin.addUser({ id: bob.userId, teamId: SOUTH.teamId });
    // TODO(#10): through each workspace's Settings view once it is built; the store is what it calls.
    const connect = async (teamId: string, channel: string, token: string, webhookSecret: string) => {
      await r.workspaces.updateSettings(teamId, { alertChannel: channel });
      return (await r.workspaces.connectUtilityApi(teamId, { token, webhookSecret })).webhookPath;
    };
    paths.north = await connect(NORTH.teamId, NORTH_CHANNEL, utilityapi.token, SECRETS.north);
    paths.south = await connect(SOUTH.teamId, SOUTH_CHANNEL, southAccount.token, SECRETS.south);
  });

  it('gives each workspace its own notice, in its own channel, posted with its own bot token', async () => {
    const fromNorth = await badLogin(utilityapi, janeNorth, {
      url: webhookUrl(paths.north),
      secret: SECRETS.north,
    });
    const fromSouth = await badLogin(southAccount, janeSouth, {
      url: webhookUrl(paths.south),
      secret: SECRETS.south,
    });
    expect([fromNorth.status, fromSouth.status]).toEqual([200, 200]);
    north.uid = fromNorth.uid;
    south.uid = fromSouth.uid;

    north.notice = await noticeFor(NORTH_CHANNEL, janeNorth.name);
    south.notice = await noticeFor(SOUTH_CHANNEL, janeSouth.name);
    expect(north.notice).toMatchObject({ token: tokenOf(NORTH.teamId), teamId: NORTH.teamId });
    expect(south.notice).toMatchObject({ token: tokenOf(SOUTH.teamId), teamId: SOUTH.teamId });
    expect(allText(topLevel(NORTH_CHANNEL).map((m) => m.blocks))).not.toContain('Southwell');
    expect(allText(topLevel(SOUTH_CHANNEL).map((m) => m.blocks))).not.toContain('Northcott');

    // Each workspace's authorizations were read with its own UtilityAPI token (another account's token
    // would not find them: the stand-in keeps accounts apart), and filed under that workspace.
    const askedWithOtherToken = (uid: string, account: string) =>
      utilityapi.requests.filter(
        (q) =>
          (q.path === `/authorizations/${uid}` || q.query.uids?.split(',').includes(uid)) &&
          q.account !== account,
      );
    expect(askedWithOtherToken(north.uid, utilityapi.id)).toEqual([]);
    expect(askedWithOtherToken(south.uid, southAccount.id)).toEqual([]);
    expect((await authorizationIdOf(north.uid)).workspaceId).toBe(NORTH.teamId);
    expect((await authorizationIdOf(south.uid)).workspaceId).toBe(SOUTH.teamId);
  });

  it('lets nobody in North find, see or act on South’s customers, and changes nothing of South', async () => {
    // South's own member asks, and the send fails: South now has a failed request with a Retry button.
    let from = r.standin.calls.length;
    await click(bob, ready(south.notice), ActionId.askReauth);
    const form = await openedSince(from);
    const previewed = await submit(bob, form, janeSouth);
    const southClient = new WebClient(tokenOf(SOUTH.teamId), { slackApiUrl: `${r.standin.url}/api/` });
    await southClient.views.update({ view_id: form.id, view: (previewed.json as { view: View }).view });
    sendgrid.failNext(400);
    const preview = r.standin.views.byId.get(form.id)?.output;
    if (!preview) throw new Error('no preview');
    expect((await submit(bob, preview, null)).status).toBe(200);
    const retryReply = await eventually(
      () =>
        [...r.standin.messages(SOUTH_CHANNEL).values()].find(
          (m) => m.threadTs === south.notice?.ts && JSON.stringify(m.blocks).includes(ActionId.retrySend),
        ),
      'the Retry reply in South',
    );
    const southId = (await authorizationIdOf(south.uid)).id;
    // Until its last effect is marked published, South is still moving on its own.
    await eventually(
      async () => (await storedAbout(southId)).outbox.every((e) => e.publishedAt),
      'South’s notices to be published',
    );
    const before = await storedAbout(southId);
    expect(before.requests.map((q) => q.status)).toEqual(['failed']);
    const southMessages = JSON.stringify([...r.standin.messages(SOUTH_CHANNEL).values()]);
    from = r.standin.calls.length;

    // Search by email, by a name both workspaces share, and the bad-logins list: only North's.
    await reauth(alice, janeSouth.email, 'by-email');
    const byEmail = await answerAt('by-email');
    expect(allText(byEmail)).toContain('No authorization matches');
    expect(rowButtons(byEmail)).toBe(0);
    await reauth(alice, 'Jane', 'by-name');
    const janeForm = await openedSince(from);
    expect(initialValues(janeForm)[BlockId.customerEmail]).toBe(janeNorth.email);
    await reauth(alice, 'list bad-logins', 'list');
    const list = await answerAt('list');
    expect(allText(list)).toContain(janeNorth.name);
    expect(rowButtons(list)).toBe(1);

    // The Home.
    expect((await r.sendEvent(NORTH.teamId, homeOpened(alice.userId))).status).toBe(200);
    const home = await eventually(() => r.standin.views.homeByUser.get(alice.userId)?.output, 'Alice’s Home');
    expect(allText(home.blocks)).toContain(janeNorth.name);
    expect(rowButtons(home)).toBe(1);

    // A forged button value with South's authorization id, on North's own notice.
    const forgedAsk = r.standin.calls.length;
    await click(
      alice,
      ready(north.notice),
      ActionId.askReauth,
      askReauthValue.encode({ v: 1, authorizationId: southId.toHexString() }),
    );
    const refused = allText((await openedSince(forgedAsk)).blocks);
    expect(refused).toContain('relink no longer has this authorization');

    // A forged Retry: South's Retry button, clicked in North's channel.
    await click(alice, { ...retryReply, channel: NORTH_CHANNEL }, ActionId.retrySend);
    const answer = await eventually(
      () => r.standin.ephemeralMessages.find((m) => m.user === alice.userId && m.channel === NORTH_CHANNEL),
      'the answer to the forged Retry',
    );
    expect(answer.text).toContain("can't find this request");

    // None of it showed South's customer or reached South's Slack, and nothing of South changed.
    await sleep(1_500); // two send and publish passes: a Retry that was queued would have run by now
    const shown = [
      ...r.standin.calls.slice(from).map((c) => JSON.stringify(c.args)),
      // The email search's answer repeats the query Alice typed, and nothing else of South.
      ...responseUrls.posts.map((p) => JSON.stringify(p.body).replaceAll(janeSouth.email, '<query>')),
    ].join('\n');
    for (const fact of ['Southwell', janeSouth.email, janeSouth.utility]) expect(shown).not.toContain(fact);
    expect(r.standin.calls.slice(from).filter((c) => c.teamId !== NORTH.teamId)).toEqual([]);
    expect(JSON.stringify([...r.standin.messages(SOUTH_CHANNEL).values()])).toBe(southMessages);
    expect(await storedAbout(southId)).toEqual(before);
    expect(sendgrid.messages.filter((m) => m.to.includes(janeSouth.email))).toEqual([]);
  });

  it('answers 401 to a webhook signed with North’s secret at South’s URL, and 404 to an unknown path', async () => {
    const inbox = await r.db.collection('inbox').countDocuments();
    const atSouth = { url: webhookUrl(paths.south), secret: SECRETS.north };
    expect(await deliver(southAccount, south.uid, atSouth)).toBe(401);
    expect(await deliver(utilityapi, north.uid, atSouth)).toBe(401);
    for (const path of [randomBytes(32).toString('base64url'), 'short', `${paths.north}x`]) {
      const unknown = { url: webhookUrl(path), secret: SECRETS.north };
      expect(await deliver(utilityapi, north.uid, unknown)).toBe(404);
    }
    expect(await r.db.collection('inbox').countDocuments()).toBe(inbox);
  });

  it('posts nothing more to South once it uninstalled relink, not even what was waiting, and North still works', async () => {
    const atNorth = { url: webhookUrl(paths.north), secret: SECRETS.north };
    const atSouth = { url: webhookUrl(paths.south), secret: SECRETS.south };
    // Slack is unreachable for a moment: a bad login in each workspace waits in the outbox.
    r.standin.setDown(true);
    const waiting = [
      await badLogin(southAccount, { ...janeSouth, name: 'Lee Southby' }, atSouth),
      await badLogin(utilityapi, { ...janeNorth, name: 'Lee Northby' }, atNorth),
    ];
    expect(waiting.map((w) => w.status)).toEqual([200, 200]);
    for (const { uid } of waiting) await authorizationIdOf(uid);
    const downSince = r.standin.calls.length;
    await eventually(
      () => r.standin.calls.slice(downSince).some((c) => c.method === 'chat.postMessage'),
      'a publish attempt while Slack is down',
    );

    r.standin.oauth.uninstall(SOUTH.teamId);
    expect((await r.sendEvent(SOUTH.teamId, { type: 'app_uninstalled' })).status).toBe(200);
    await eventually(
      async () => (await r.workspaces.get(SOUTH.teamId))?.uninstalledAt ?? undefined,
      'the uninstall',
    );
    // A publish pass that read South's token just before the uninstall may still make its one call.
    await sleep(1_500);
    const since = r.standin.calls.length;
    r.standin.setDown(false);
    expect(await noticeFor(NORTH_CHANNEL, 'Lee Northby')).toMatchObject({ token: tokenOf(NORTH.teamId) });
    // South's waiting notice was dropped, not left for later.
    const southWaiting = (await authorizationIdOf(waiting[0]?.uid ?? '')).id;
    await eventually(
      async () => (await storedAbout(southWaiting)).outbox.every((e) => e.publishedAt),
      'South’s waiting notice to be dropped',
    );

    // South's requests are refused before any listener runs.
    expect((await r.sendEvent(SOUTH.teamId, homeOpened(bob.userId))).status).toBe(401);
    expect((await reauth(bob, 'list bad-logins', 'south-after')).status).toBe(401);
    expect((await click(bob, ready(south.notice), ActionId.askReauth)).status).toBe(401);

    // A new bad login in each account: South's webhook URL went with its credentials; North's works.
    expect((await badLogin(southAccount, { ...janeSouth, name: 'Kim Southgate' }, atSouth)).status).toBe(404);
    expect((await badLogin(utilityapi, { ...janeNorth, name: 'Kim Northrop' }, atNorth)).status).toBe(200);
    expect(await noticeFor(NORTH_CHANNEL, 'Kim Northrop')).toMatchObject({ token: tokenOf(NORTH.teamId) });

    await sleep(1_500);
    expect(r.standin.calls.slice(since).filter((c) => c.teamId === SOUTH.teamId)).toEqual([]);
    const southShows = allText([...r.standin.messages(SOUTH_CHANNEL).values()].map((m) => m.blocks));
    for (const name of ['Lee Southby', 'Kim Southgate']) expect(southShows).not.toContain(name);
  });
});
