// Longer than 250 lines because it is the composition root: the whole build order, start to stop, reads in one file.
import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { createDeliveryReports } from './email/delivery-reports';
import { createMailer } from './email/mailer';
import { createHomeService } from './home/home-service';
import { backlogGauges } from './http/backlog-gauges';
import { healthRoute } from './http/health';
import { metricsRoute } from './http/metrics';
import { closeServer, createHttpServer, listen } from './http/server';
import { missingSlackVariables, setupRoute } from './http/setup-page';
import { genericWebhookRoute, sendgridWebhookRoute, utilityApiWebhookRoute } from './http/webhooks';
import { createExpiryChecks } from './ingest/expiry-checks';
import { createInboxProcessor } from './ingest/inbox-processor';
import { createUtilityApiReconciler } from './ingest/reconcile';
import { type JobIntervals, startJobs } from './jobs';
import { createScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { createPipeline, type Pipeline } from './pipeline';
import { createUtilityApiClient } from './platforms/utilityapi/client';
import { createNoticeData } from './reauth/notice-data';
import { createReauthService } from './reauth/reauth-service';
import { createRequestSender } from './reauth/request-sender';
import { createSlackApp } from './slack/app';
import { registerListeners } from './slack/listeners';
import { createNoticePublisher, publisherClient } from './slack/notice-publisher';
import { type Database, openDatabase } from './store/database';
import { openStores } from './store/stores';
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

async function buildServices(
  config: Config,
  log: Logger,
  database: Database,
  pipeline: Pipeline,
  clock: () => Date,
) {
  const worklist = createWorklist({
    source: createWorklistSource(database.connection),
    // "Expiring soon" (Home tab, `/reauth list expiring`) starts at the first expiry warning.
    expiringWithinDays: Math.max(...config.expiry.warningDays),
    // The embedded database is relink's own: every write goes through this process's stores. A
    // database given by MONGODB_URI may have other relink processes writing to it.
    refreshEveryMs: config.database.uri ? WORKLIST_REFRESH_MS : null,
    log,
  });
  const stores = await openStores(database.connection, worklist.listeners);
  const { authorizations, requests, inbox } = stores;
  await inbox.requeueOrphans();
  const utilityapi = config.utilityapi.token
    ? createUtilityApiClient({ baseUrl: config.utilityapi.url, token: config.utilityapi.token, log })
    : null;
  const mailer = config.sendgrid ? createMailer({ config: config.sendgrid, log }) : null;
  const sender = createRequestSender({
    requests,
    authorizations,
    mailer,
    utilityapi,
    senderName: config.sendgrid?.fromName ?? 'relink',
    clock,
    log,
  });
  pipeline.define('sendRequests', async () => {
    await sender.sendDue();
    await sender.completeResolved();
  });
  const reauth = createReauthService({
    authorizations,
    requests,
    cooldownHours: config.reauth.cooldownHours,
    clock,
    pipeline,
  });
  const inboxProcessor = createInboxProcessor({
    inbox,
    authorizations,
    utilityapi,
    log,
    clock,
    deliveryReports: createDeliveryReports({ requests }),
  });
  pipeline.define('processInbox', () => inboxProcessor.drain());
  const expiry = createExpiryChecks({ authorizations, warningDays: config.expiry.warningDays, clock, log });
  const reconcile = utilityapi
    ? createUtilityApiReconciler({ utilityapi, authorizations, clock, log })
    : null;
  const noticeData = createNoticeData({ authorizations, requests });
  const home = createHomeService({ worklist, homeState: stores.homeState, clock });
  return {
    ...stores,
    pipeline,
    utilityapi,
    inboxProcessor,
    expiry,
    reconcile,
    reauth,
    sender,
    noticeData,
    worklist,
    home,
  };
}

/**
 * Slack, when configured: the Bolt app (its routes join our HTTP server) and the notice publisher, the
 * pipeline's publish step. The publisher owns its retries and pacing, so its client has neither Bolt's
 * retries nor its 429 queueing.
 */
async function buildSlack(
  config: Config,
  log: Logger,
  services: Services,
  pipeline: Pipeline,
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
  const publisher = slackConfig.botToken
    ? createNoticePublisher({
        outbox: services.outbox,
        notices: services.notices,
        noticeData: services.noticeData,
        client: publisherClient(slackConfig.botToken, { slackApiUrl: slackConfig.apiUrl, log }),
        channel: slackConfig.alertChannel,
        clock,
        log: log.child({ component: 'notice-publisher' }),
      })
    : null;
  if (publisher) pipeline.define('publishNotices', () => publisher.publishPending());
  return slack;
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
  const pipeline = createPipeline(log);
  const services = await buildServices(config, log, database, pipeline, clock);
  services.worklist.start();
  const scheduler = createScheduler({
    connection: database.connection,
    log,
    processEvery: options.processEvery,
  });
  const slack = await buildSlack(config, log, services, pipeline, clock);
  await startJobs(scheduler, { ...services, clock }, options.jobIntervals);
  await slack?.start();

  const webhookDeps = { inbox: services.inbox, clock, log, pipeline };
  const server = createHttpServer({
    routes: [
      healthRoute({ database }),
      metricsRoute({ gauges: backlogGauges(services) }),
      setupRoute({ missing: missingSlack }),
      utilityApiWebhookRoute({ ...webhookDeps, secret: config.utilityapi.webhookSecret }),
      genericWebhookRoute({ ...webhookDeps, secret: config.webhooks.signingSecret }),
      sendgridWebhookRoute({ ...webhookDeps, publicKey: config.sendgrid?.webhookPublicKey ?? null }),
      ...(slack?.routes ?? []),
    ],
    log,
  });
  let port: number;
  try {
    port = await listen(server, config.http.port);
  } catch (err) {
    await slack?.stop();
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
        await slack?.stop();
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
