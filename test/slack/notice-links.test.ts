import type { WebClient } from '@slack/web-api';
import { Types } from 'mongoose';
import { homeView } from '../../blocks/home-view';
import { appHomeUrl } from '../../src/domain/app-home-link';
import { HOME_PAGE_SIZE, HOME_TABS, type HomeTab, type WorklistItem } from '../../src/domain/worklist';
import { createNoticeData } from '../../src/reauth/notice-data';
import { createNoticePublisher } from '../../src/slack/notice-publisher';
import { publisherClient } from '../../src/slack/workspace-slack';
import { type AuthorizationStore, createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { createNoticeStore, type NoticeStore } from '../../src/store/notices';
import { createOutbox, type Outbox } from '../../src/store/outbox';
import { createRequestStore } from '../../src/store/requests';
import { allText } from '../support/block-kit';
import { validateView } from '../support/block-kit-validator';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';

/*
 * Issue 13, "Links": a posted notice links to the App Home, and the authorization's Home row links to
 * the notice through the permalink Slack gave when it was posted (real database, Slack stand-in over HTTP).
 */
const BOT_TOKEN = 'xoxb-relink-links';
const ALERTS = 'C0ALERTS01';
const TEAM = 'T0LINKS01';
const APP = 'A0RELINKAPP';

describe('notice links', () => {
  const db = useTestDatabase('notice_links');
  const standin = createSlackStandin({ botToken: BOT_TOKEN });
  let authorizations: AuthorizationStore;
  let outbox: Outbox;
  let notices: NoticeStore;
  let client: WebClient;
  let publish: () => Promise<unknown>;

  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    const models = createModels(db.connection);
    await ensureIndexes(models);
    authorizations = createAuthorizationStore(models);
    outbox = createOutbox(models);
    notices = createNoticeStore(db.connection);
    await notices.ensureIndexes();
    client = publisherClient(BOT_TOKEN, { slackApiUrl: apiUrl, log: silentLog() });
    const requests = createRequestStore(db.connection, outbox);
    const noticeData = createNoticeData({
      authorizations,
      requests,
      homeUrl: (workspaceId) => appHomeUrl(workspaceId, APP),
    });
    const publisher = createNoticePublisher({
      outbox,
      notices,
      noticeData,
      slackFor: async () => ({ client, channel: ALERTS }),
      clock: () => new Date(),
      log: silentLog(),
      minPostIntervalMs: 20,
    });
    publish = () => publisher.publishPending();
  });
  afterAll(() => standin.stop());

  const badLogin = async (externalId: string) => {
    const now = new Date();
    const { authorizationId } = await authorizations.applyByKey(
      { workspaceId: TEAM, source: 'webhook', externalId },
      {
        event: observedEvent('bad_login', now),
        actor: 'platform',
        customer: { name: 'Jane Doe', email: 'jane.doe@example.com', utility: 'PG&E' },
        now,
      },
    );
    return authorizationId;
  };

  const homeRow = async (authorizationId: string, noticeLinks: Map<string, string>) => {
    const doc = await authorizations.findById(authorizationId);
    if (!doc) throw new Error('authorization missing');
    const item: WorklistItem = { ...doc, _id: new Types.ObjectId(authorizationId) };
    const counts = Object.fromEntries(HOME_TABS.map((t) => [t, 1])) as Record<HomeTab, number>;
    return homeView({
      tab: 'bad_logins',
      counts,
      page: { items: [item], total: 1, page: 1, pages: 1, pageSize: HOME_PAGE_SIZE },
      search: null,
      lastRequests: new Map(),
      now: new Date(),
      noticeLinks,
    });
  };

  it('asks Slack once for the notice’s permalink; the Home row links to it and the notice to the Home', async () => {
    const id = await badLogin('auth-links-1');
    await publish();
    const posted = [...standin.messages(ALERTS).values()].filter((m) => m.threadTs === undefined);
    expect(posted).toHaveLength(1);
    expect(standin.callsTo('chat.getPermalink')).toHaveLength(1);
    const notice = posted[0];
    expect(allText((notice?.blocks ?? []) as never)).toContain(
      `<slack://app?team=${TEAM}&id=${APP}&tab=home|Open the worklist in relink>`,
    );

    const slackSays = await client.chat.getPermalink({ channel: ALERTS, message_ts: notice?.ts ?? '' });
    const links = await notices.permalinksOf([id, new Types.ObjectId().toHexString()]);
    expect(links).toEqual(new Map([[id, slackSays.permalink]]));
    expect(slackSays.permalink).toMatch(new RegExp(`/archives/${ALERTS}/p\\d+$`));

    const home = await homeRow(id, links);
    expect(validateView(home)).toEqual([]);
    expect(allText(home.blocks)).toContain(`<${slackSays.permalink}|View the notice>`);
  });

  it('posts the notice even when Slack cannot give its permalink, and the row then has no link', async () => {
    standin.failNext('chat.getPermalink', { error: 'internal_error' });
    const id = await badLogin('auth-links-2');
    await publish();
    expect(await notices.permalinksOf([id])).toEqual(new Map());
    expect(allText((await homeRow(id, new Map())).blocks)).not.toContain('View the notice');
  });
});
