import type { WebClient } from '@slack/web-api';
import { publisherClient } from '../../src/slack/workspace-slack';
import { type AuthorizationStore, createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { createNoticeStore, type NoticeStore } from '../../src/store/notices';
import { createOutbox, type Outbox } from '../../src/store/outbox';
import { useTestDatabase } from './database';
import { silentLog } from './silent-log';
import { createSlackStandin } from './slack-standin';

export interface PublisherStores {
  models: Models;
  authorizations: AuthorizationStore;
  outbox: Outbox;
  notices: NoticeStore;
  /** The publisher's own client (no retries, no 429 queueing), pointed at the stand-in. */
  client: WebClient;
}

/**
 * What the notice publisher's tests share: a database of their own, the Slack stand-in, and the stores
 * the publisher reads, ready once the file's first `beforeAll` has run (`stores`).
 */
export function usePublisherStores(dbName: string, botToken: string) {
  const db = useTestDatabase(dbName);
  const standin = createSlackStandin({ botToken });
  let ready: PublisherStores | undefined;
  beforeAll(async () => {
    const { apiUrl } = await standin.start();
    const models = createModels(db.connection);
    await ensureIndexes(models);
    const notices = createNoticeStore(db.connection);
    await notices.ensureIndexes();
    ready = {
      models,
      authorizations: createAuthorizationStore(models),
      outbox: createOutbox(models),
      notices,
      client: publisherClient(botToken, { slackApiUrl: apiUrl, log: silentLog() }),
    };
  });
  afterAll(() => standin.stop());
  return {
    db,
    standin,
    get stores(): PublisherStores {
      if (!ready) throw new Error('the publisher stores are ready inside tests only');
      return ready;
    },
  };
}
