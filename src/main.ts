import { WebClient } from '@slack/web-api';
import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { createDeliveryReports } from './email/delivery-reports';
import { createMailer } from './email/mailer';
import { createHomeService } from './home/home-service';
import { healthRoute } from './http/health';
import { type Gauge, metricsRoute } from './http/metrics';
import { closeServer, createHttpServer, listen } from './http/server';
import { missingSlackVariables, setupRoute } from './http/setup-page';
import { genericWebhookRoute, sendgridWebhookRoute, utilityApiWebhookRoute } from './http/webhooks';
import { createExpiryChecks } from './ingest/expiry-checks';
import { createInboxProcessor } from './ingest/inbox-processor';
import { createUtilityApiReconciler } from './ingest/reconcile';
import { type JobIntervals, startJobs } from './jobs';
import { coalesce } from './jobs/coalesce';
import { createScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { createUtilityApiClient } from './platforms/utilityapi/client';
import { createNoticeData } from './reauth/notice-data';
import { createReauthService } from './reauth/reauth-service';
import { createRequestSender } from './reauth/request-sender';
import { createSlackApp } from './slack/app';
import { boltLogger } from './slack/bolt-logger';
import { registerListeners } from './slack/listeners';
import { createNoticePublisher } from './slack/notice-publisher';
import { createAuthorizationStore } from './store/authorizations';
import { type Database, openDatabase } from './store/database';
import { createHomeStateStore } from './store/home-state';
import { createInbox } from './store/inbox';
import { createModels, ensureIndexes } from './store/models';
import { createNoticeStore } from './store/notices';
import { createOutbox } from './store/outbox';
import { createRequestStore } from './store/requests';
import { createWorklistSource } from './store/worklist-source';
import { createWorklist } from './worklist/worklist';

export interface RunningRelink {
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

/** Seams for tests and tools: a clock and faster job intervals. Production uses the defaults. */
export interface StartOptions {
  clock?: () => Date;
  jobIntervals?: Partial<JobIntervals>;
  processEvery?: number | string;
}

type Services = Awaited<ReturnType<typeof buildServices>>;

/** How often the worklist re-reads what other relink processes wrote to a shared database. */
const WORKLIST_REFRESH_MS = 30_000;

async function buildServices(config: Config, log: Logger, database: Database, clock: () => Date) {
  const models = createModels(database.connection);
  await ensureIndexes(models);
  const worklist = createWorklist({
    source: createWorklistSource(models, database.connection),
    // "Expiring soon" (Home tab, `/reauth list expiring`) starts at the first expiry warning.
    expiringWithinDays: Math.max(...config.expiry.warningDays),
    // The embedded database is relink's own: every write goes through this process's stores. A
    // database given by MONGODB_URI may have other relink processes writing to it.
    refreshEveryMs: config.database.uri ? WORKLIST_REFRESH_MS : null,
    log,
  });
  const requests = createRequestStore(database.connection, worklist.listeners);
  await requests.init();
  const authorizations = createAuthorizationStore(models, worklist.listeners);
  const inbox = createInbox(database.connection);
  await inbox.init();
  await inbox.requeueOrphans();
  const outbox = createOutbox(models);
  const utilityapi = config.utilityapi.token
    ? createUtilityApiClient({ baseUrl: config.utilityapi.url, token: config.utilityapi.token, log })
    : null;
  const mailer = config.sendgrid ? createMailer({ config: config.sendgrid, log }) : null;
  const onError = (what: string) => (err: unknown) => log.error({ err }, what);

  const sender = createRequestSender({
    requests,
    authorizations,
    outbox,
    mailer,
    utilityapi,
    senderName: config.sendgrid?.fromName ?? 'relink',
    clock,
    log,
  });
  // The notice publisher is built later (with Slack); it subscribes here to hear of new effects.
  const outboxListeners: (() => void)[] = [];
  const outboxChanged = () => {
    for (const listener of outboxListeners) listener();
  };
  const sendRequests = async () => {
    await sender.sendDue();
    await sender.completeResolved();
    outboxChanged();
  };
  const sendSoon = coalesce(sendRequests, onError('sending reauth requests failed'));
  const reauth = createReauthService({
    authorizations,
    requests,
    outbox,
    cooldownHours: config.reauth.cooldownHours,
    clock,
    onQueued: () => {
      outboxChanged();
      void sendSoon();
    },
  });
  const inboxProcessor = createInboxProcessor({
    inbox,
    authorizations,
    utilityapi,
    log,
    clock,
    deliveryReports: createDeliveryReports({ requests, outbox }),
  });
  const expiry = createExpiryChecks({ authorizations, warningDays: config.expiry.warningDays, clock, log });
  const reconcile = utilityapi
    ? createUtilityApiReconciler({ utilityapi, authorizations, clock, log })
    : null;
  const noticeData = createNoticeData({ authorizations, requests });
  const homeState = createHomeStateStore(database.connection);
  await homeState.init();
  const home = createHomeService({ worklist, homeState, clock });
  return {
    models,
    authorizations,
    requests,
    inbox,
    outbox,
    utilityapi,
    inboxProcessor,
    expiry,
    reconcile,
    reauth,
    sender,
    sendRequests,
    sendSoon,
    noticeData,
    worklist,
    home,
    onOutboxChanged: (listener: () => void) => outboxListeners.push(listener),
  };
}

/** The backlogs worth alerting on: events not yet processed, effects not yet in Slack, emails not yet sent. */
const backlogGauges = (services: Services): Gauge[] => [
  {
    name: 'relink_inbox_pending',
    help: 'Webhook events stored but not yet processed.',
    read: () => services.inbox.pendingCount(),
  },
  {
    name: 'relink_inbox_poisoned',
    help: 'Webhook events given up on after repeated failures.',
    read: () => services.inbox.poisonedCount(),
  },
  {
    name: 'relink_outbox_pending',
    help: 'Effects not yet published to Slack.',
    read: () => services.outbox.countPending(),
  },
  {
    name: 'relink_requests_queued',
    help: 'Reauth requests waiting to be sent.',
    read: () => services.requests.countByStatus('queued'),
  },
  {
    name: 'relink_requests_failed',
    help: 'Reauth requests that failed and wait for Retry.',
    read: () => services.requests.countByStatus('failed'),
  },
];

/**
 * Slack, when configured: the Bolt app (its routes join our HTTP server) and the notice publisher,
 * which owns its retries and pacing, so its client has neither Bolt's retries nor its 429 queueing.
 */
async function buildSlack(
  config: Config,
  log: Logger,
  database: Database,
  services: Services,
  clock: () => Date,
) {
  const slackConfig = config.slack;
  if (!slackConfig || missingSlackVariables(slackConfig).length > 0) return null;
  const slack = createSlackApp({ config: slackConfig, log });
  registerListeners(slack.app, {
    reauth: services.reauth,
    home: services.home,
    worklist: services.worklist,
    sender: { name: config.sendgrid?.fromName ?? 'relink', email: config.sendgrid?.fromEmail ?? '' },
    clock,
    log,
  });
  const notices = createNoticeStore(database.connection);
  await notices.ensureIndexes();
  const publisher = slackConfig.botToken
    ? createNoticePublisher({
        outbox: services.outbox,
        notices,
        noticeData: services.noticeData,
        client: new WebClient(slackConfig.botToken, {
          slackApiUrl: slackConfig.apiUrl,
          rejectRateLimitedCalls: true,
          retryConfig: { retries: 0 },
          timeout: 10_000,
          logger: boltLogger(log),
        }),
        channel: slackConfig.alertChannel,
        clock,
        log: log.child({ component: 'notice-publisher' }),
      })
    : null;
  return { slack, publisher };
}

/**
 * The composition root: config → database → services → jobs → HTTP. Everything relink runs is
 * built here and handed to whoever needs it; `stop()` undoes it in reverse order.
 */
export async function startRelink(
  config: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningRelink> {
  const clock = options.clock ?? (() => new Date());
  const missingSlack = missingSlackVariables(config.slack);
  if (missingSlack.length > 0) {
    log.warn(
      { missing: missingSlack },
      'Slack is not configured: running without Slack (see README, "Create the Slack app")',
    );
  }

  const database = await openDatabase({ uri: config.database.uri, dataDir: config.database.dataDir, log });
  const services = await buildServices(config, log, database, clock);
  services.worklist.start();
  const scheduler = createScheduler({
    connection: database.connection,
    log,
    processEvery: options.processEvery,
  });
  const slack = await buildSlack(config, log, database, services, clock);
  const publisher = slack?.publisher;
  const publishNotices = publisher ? () => publisher.publishPending() : null;
  const publishSoon = publishNotices
    ? coalesce(publishNotices, (err) => log.error({ err }, 'publishing notices failed'))
    : async () => {};
  await startJobs(scheduler, { ...services, clock, publishNotices }, options.jobIntervals);
  services.onOutboxChanged(() => void publishSoon());
  await slack?.slack.start();

  // drain() logs its own failures and never rejects.
  const processSoon = () => void services.inboxProcessor.drain().then(() => publishSoon());
  const webhookDeps = { inbox: services.inbox, clock, log, onStored: processSoon };
  const server = createHttpServer({
    routes: [
      healthRoute({ database }),
      metricsRoute({ gauges: backlogGauges(services) }),
      setupRoute({ missing: missingSlack }),
      utilityApiWebhookRoute({ ...webhookDeps, secret: config.utilityapi.webhookSecret }),
      genericWebhookRoute({ ...webhookDeps, secret: config.webhooks.signingSecret }),
      sendgridWebhookRoute({ ...webhookDeps, publicKey: config.sendgrid?.webhookPublicKey ?? null }),
      ...(slack?.slack.routes ?? []),
    ],
    log,
  });
  let port: number;
  try {
    port = await listen(server, config.http.port);
  } catch (err) {
    await slack?.slack.stop();
    await scheduler.stop();
    await database.close();
    throw err;
  }
  log.info({ port, database: config.database.uri ? 'external' : 'embedded' }, 'relink is up');

  let stopping: Promise<void> | null = null;
  return {
    port,
    services,
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        await slack?.slack.stop();
        services.worklist.stop();
        // drain lets running jobs finish (they are idempotent, but finishing is cheaper than redoing).
        await scheduler.drain({ timeout: 10_000, closeConnection: false });
        await database.close();
        log.info('relink stopped');
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.log);
  let relink: RunningRelink;
  try {
    relink = await startRelink(config, log);
  } catch (err) {
    log.fatal({ err }, 'relink could not start');
    log.flush?.();
    process.exitCode = 1;
    return;
  }
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    relink.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) void main();
