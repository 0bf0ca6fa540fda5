// Longer than 250 lines because it is the composition root: the whole build order, start to stop, reads in one file.
import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { appHomeUrl, teamOfWorkspace } from './domain/app-home-link';
import type { SendTimings } from './domain/send-attempt';
import { DEFAULT_WHO_MAY_ACT, remindersOf } from './domain/workspace';
import { createDeliveryReports } from './email/delivery-reports';
import { createMailer } from './email/mailer';
import { createDashboardLinks } from './home/dashboard-links';
import { createHomeService } from './home/home-service';
import { backlogGauges } from './http/backlog-gauges';
import { healthRoute, loadedOnce, readyRoute } from './http/health';
import { metricsRoute } from './http/metrics';
import { closeServer, createHttpServer, listen } from './http/server';
import { missingSlackVariables } from './http/setup-page';
import { setupPageRoutes } from './http/setup-page-wiring';
import {
  genericWebhookRoute,
  sendgridWebhookRoute,
  utilityApiWebhookRoute,
  workspaceUtilityApiWebhookRoute,
} from './http/webhooks';
import { createExpiryChecks } from './ingest/expiry-checks';
import { createInboxProcessor } from './ingest/inbox-processor';
import { createUtilityApiReconciler } from './ingest/reconcile';
import { type JobIntervals, startJobs } from './jobs';
import { createScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { createBacklogSampler } from './metrics/backlogs';
import { countedBounces, countedMailer } from './metrics/counted-email';
import { createMetrics, type Metrics } from './metrics/metrics';
import { countedWebhook } from './metrics/webhook-outcome';
import { createPipeline, type Pipeline } from './pipeline';
import { createUtilityApiClient } from './platforms/utilityapi/client';
import { createBulkService } from './reauth/bulk-service';
import { createEmailEligibility } from './reauth/email-eligibility';
import { createHistoryService } from './reauth/history-service';
import { createNoticeData } from './reauth/notice-data';
import { createReauthService } from './reauth/reauth-service';
import { createReminders } from './reauth/reminders';
import { createRequestSender } from './reauth/request-sender';
import { createSuppressionsInMemory } from './reauth/suppressions-in-memory';
import { createTriageService } from './reauth/triage-service';
import { createSlackPeople } from './slack/access/slack-people';
import { createSlackApp } from './slack/app';
import { boltLogger } from './slack/bolt-logger';
import { installStoresFor } from './slack/installation-store';
import { registerListeners } from './slack/listeners';
import type { BulkListenerDeps } from './slack/listeners/actions/bulk-deps';
import { followUnsummarizedBulks } from './slack/listeners/views/bulk-progress';
import { createNoticePublisher } from './slack/notice-publisher';
import { botClients, createSettingsAdmins } from './slack/settings-admins';
import { workspaceOf, workspaceOfTeam } from './slack/workspace-of';
import { workspaceSlack } from './slack/workspace-slack';
import { type Database, openDatabase } from './store/database';
import type { RestartPolicy } from './store/embedded-db';
import { createStoreObserver } from './store/listeners';
import { createRefusalStore } from './store/refusals';
import { createRetention } from './store/retention';
import { openStores } from './store/stores';
import { createWorklistSource } from './store/worklist-source';
import { openWorkspaceStores } from './store/workspace-stores';
import { createWorklist } from './worklist/worklist';
import { createWorkspaceDirectory } from './workspaces/directory';
import { createSettingsInMemory } from './workspaces/settings-in-memory';
import { createSettingsService } from './workspaces/settings-service';

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
  /** Shorter send deadlines (claims, the wait for SendGrid's event) and mail timeout, for tests. */
  send?: { timings?: Partial<SendTimings>; mailTimeoutMs?: number; concurrency?: number };
  /** The embedded database could not be restarted; default: exit 1 for a supervisor (tests observe it). */
  onDatabaseLost?: (err: Error) => void;
  /** The embedded database's restart policy; a test holds a restart back to watch the outage. */
  databaseRestart?: Partial<RestartPolicy>;
  /** How often the backlog gauges are counted; default every minute (see src/metrics/backlogs.ts). */
  backlogSampleEveryMs?: number;
  /**
   * No other process writes to the database MONGODB_URI names, as none does to the embedded database
   * (always so without MONGODB_URI): what this process holds in memory needs no re-reading. The
   * benchmarks' scratch databases are such.
   */
  soleWriter?: boolean;
}

type Services = Awaited<ReturnType<typeof buildServices>>;

/** How often the worklist re-reads what other relink processes wrote to a shared database. */
const WORKLIST_REFRESH_MS = 30_000;
/** How often the backlog gauges are counted: a count reads its whole collection on FerretDB. */
const BACKLOG_SAMPLE_MS = 60_000;

async function buildServices(
  config: Config,
  log: Logger,
  database: Database,
  /** This process is the only one writing to the database (StartOptions.soleWriter). */
  soleWriter: boolean,
  pipeline: Pipeline,
  clock: () => Date,
  send: StartOptions['send'] = {},
  metrics: Metrics = createMetrics({ processMetrics: false }),
  /** The single workspace's Slack team, known once Slack has started (App Home links need it). */
  singleWorkspaceTeam: () => string | null = () => null,
) {
  // What a click reads instead of the database, beside the worklist (DESIGN.md, "A click must answer from memory").
  const kept = { suppressions: createSuppressionsInMemory(), settings: createSettingsInMemory() };
  const worklist = createWorklist({
    source: createWorklistSource(database.connection),
    // "Expiring soon" (Home tab, `/reauth list expiring`) starts at the first expiry warning.
    expiringWithinDays: Math.max(...config.expiry.warningDays),
    // A sole writer's every write goes through this process's stores; a database given by
    // MONGODB_URI may have other relink processes writing to it.
    refreshEveryMs: soleWriter ? null : WORKLIST_REFRESH_MS,
    companions: [kept.suppressions, kept.settings],
    log,
  });
  // Every store tells one observer what it wrote; the worklist and the copies kept for clicks follow,
  // the notice publisher joins later.
  const observer = createStoreObserver((err) => log.error({ err }, 'a store listener failed'));
  for (const part of [worklist.listeners, kept.suppressions.listeners, kept.settings.listeners])
    observer.listen(part);
  const stores = await openStores(database.connection, observer.listeners, { soleWriter });
  const workspaceStores = await openWorkspaceStores(
    database.connection,
    config.encryption,
    log,
    observer.listeners,
  );
  const { authorizations, requests, inbox, suppressions, syncStates } = stores;
  await Promise.all([kept.suppressions.load(suppressions), kept.settings.load(workspaceStores.workspaces)]);
  // The one "may relink email this address?" check: single sends (via the reauth service), reminders, bulk.
  const eligibility = createEmailEligibility({ requests, suppressions });
  await inbox.requeueOrphans();
  const utilityApiClient = (token: string) =>
    createUtilityApiClient({ baseUrl: config.utilityapi.url, token, log });
  const oauth = Boolean(config.slack?.oauth);
  const directory = createWorkspaceDirectory({
    mode: oauth ? 'oauth' : 'single',
    store: workspaceStores.workspaces,
    defaults: {
      alertChannel: config.slack?.alertChannel || null,
      whoMayAct: DEFAULT_WHO_MAY_ACT,
      cooldownHours: config.reauth.cooldownHours,
      expiryWarningDays: config.expiry.warningDays,
    },
    // Single-workspace mode's tokens; with OAuth each workspace installs and connects its own.
    env: {
      botToken: oauth ? null : (config.slack?.botToken ?? null),
      utilityapi: !oauth && config.utilityapi.token ? utilityApiClient(config.utilityapi.token) : null,
    },
    utilityApiClient,
    chosenSettings: kept.settings.chosen,
  });
  const { utilityapi } = directory;
  const mailer = config.sendgrid
    ? countedMailer(
        createMailer({
          config: config.sendgrid,
          log,
          ...(send.mailTimeoutMs ? { timeoutMs: send.mailTimeoutMs } : {}),
        }),
        metrics,
      )
    : null;
  const sender = createRequestSender({
    requests,
    authorizations,
    mailer,
    utilityapi,
    senderName: config.sendgrid?.fromName ?? 'relink',
    clock,
    log,
    claims: stores.sendClaims,
    timings: send.timings,
    pipeline,
    suppressions,
    openRequestsOfRelinked: worklist.openRequestsOfRelinked,
    ...(send.concurrency ? { pacing: { concurrency: send.concurrency } } : {}),
  });
  pipeline.define('sendRequests', async () => {
    await sender.sendDue();
    await sender.completeResolved();
  });
  // Reminders after the email, then "no response" (issue 12), on each workspace's schedule.
  const reminders = createReminders({
    requests,
    authorizations,
    claims: stores.sendClaims,
    mailer,
    utilityapi,
    settingsOf: async (workspaceId) => remindersOf(await directory.settings(workspaceId)),
    isSuppressed: eligibility.refusesAutomaticEmail,
    senderName: config.sendgrid?.fromName ?? 'relink',
    clock,
    log,
    timings: send.timings,
  });
  const reminderSchedule = async (workspaceId: string, authorizationId: string) =>
    (await reminders.scheduleFor(workspaceId, [authorizationId])).get(authorizationId) ?? null;
  const reauth = createReauthService({
    suppressions,
    inMemory: {
      worklist,
      suppression: kept.suppressions.find,
      cooldownHours: async (workspaceId) => (await directory.settings(workspaceId)).cooldownHours,
    },
    authorizations,
    requests,
    // A submit checks the cooldown against the database: the setting as stored, too.
    cooldownHours: async (workspaceId) => (await directory.storedSettings(workspaceId)).cooldownHours,
    clock,
    pipeline,
  });
  const inboxProcessor = createInboxProcessor({
    inbox,
    authorizations,
    utilityapi,
    log,
    clock,
    deliveryReports: countedBounces(
      createDeliveryReports({
        requests,
        claims: stores.sendClaims,
        suppressions,
        workspaceOfAuthorization: async (id) => (await authorizations.findById(id))?.workspaceId ?? null,
      }),
      metrics,
    ),
  });
  pipeline.define('processInbox', () => inboxProcessor.drain());
  const expiry = createExpiryChecks({
    authorizations,
    warningDaysInUse: () => directory.expiryWarningDaysInUse(),
    warningDaysOf: async (workspaceId) => (await directory.settings(workspaceId)).expiryWarningDays,
    clock,
    log,
  });
  const reconcile = createUtilityApiReconciler({ utilityapi, authorizations, syncStates, clock, log });
  // Team ids are workspace ids with OAuth; the single workspace's team is its token's, once Slack said.
  const homeUrl = (workspaceId: string) =>
    appHomeUrl(teamOfWorkspace(workspaceId, singleWorkspaceTeam()), config.slack?.appId ?? null);
  const noticeData = createNoticeData({ authorizations, requests, suppressions, reminderSchedule, homeUrl });
  // Settings (App Home): who is an admin is asked of Slack through the access guard's cached lookups.
  const people = createSlackPeople({ logger: boltLogger(log) });
  const settingsService = createSettingsService({
    store: workspaceStores.workspaces,
    directory,
    canStoreSecrets: config.encryption !== null,
    utilityApiFromEnv: !oauth && config.utilityapi.token !== null,
    publicUrl: config.http.publicUrl,
    clock,
    log,
  });
  const settingsAdmins = createSettingsAdmins({
    people,
    installerOf: settingsService.installerOf,
    clientFor: botClients({
      botToken: directory.botToken,
      slackApiUrl: config.slack?.apiUrl ?? 'https://slack.com/api/',
    }),
    log,
  });
  const bulk = createBulkService({
    isSuppressed: eligibility.refusesAutomaticEmail,
    worklist,
    homeState: stores.homeState,
    actions: stores.bulkActions,
    reauth,
    requests,
    cooldownHours: async (workspaceId) => (await directory.settings(workspaceId)).cooldownHours,
    clock,
    log,
  });
  const home = createHomeService({
    worklist,
    homeState: stores.homeState,
    clock,
    bulk,
    viewerIsAdmin: settingsAdmins.viewerIsAdmin,
    importProgress: (workspaceId) => syncStates.importProgress(workspaceId, clock()),
    reminders: reminders.scheduleFor,
    suppressions: kept.suppressions.among,
    noticeLinks: stores.notices.permalinksOf,
    dashboardLinks: createDashboardLinks({ authorizations, template: config.utilityapi.dashboardUrl }),
  });
  return {
    ...stores,
    ...workspaceStores,
    observer,
    metrics,
    kept,
    refusals: createRefusalStore(database.connection),
    retention: createRetention({ ...stores, settings: config.retention, log }),
    directory,
    pipeline,
    utilityapi,
    inboxProcessor,
    expiry,
    reconcile,
    syncStates,
    reauth,
    sender,
    reminders,
    // The reminder job (src/jobs): reminders due, then their notices at once.
    sendReminders: async () => {
      await reminders.remindDue();
      await pipeline.run('publishNotices');
    },
    noticeData,
    worklist,
    home,
    // Triage and History (issue 13): revisions of the authorization, shown on the notice at once.
    triage: createTriageService({
      authorizations,
      clock,
      noticesChanged: () => void pipeline.run('publishNotices'),
    }),
    history: createHistoryService({ authorizations, requests }),
    bulk,
    people,
    settingsService,
    settingsAdmins,
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
  const slack = createSlackApp({
    config: slackConfig,
    log,
    metrics: services.metrics,
    ...installStoresFor({ oauth: slackConfig.oauth, ...services, clock }),
  });
  const mode = slackConfig.oauth ? 'oauth' : 'single';
  const workspaceOfInstalledTeam = workspaceOfTeam(mode);
  const listenerDeps: BulkListenerDeps = {
    workspaceOf: workspaceOf(mode),
    access: {
      people: services.people,
      // The guard hears the installation's team; the workspace is that team (OAuth) or the single one.
      settingsFor: (teamId, read) =>
        read?.stored
          ? services.directory.storedSettings(workspaceOfInstalledTeam(teamId))
          : services.directory.settings(workspaceOfInstalledTeam(teamId)),
      refusals: services.refusals,
    },
    reauth: services.reauth,
    triage: services.triage,
    history: services.history,
    reminders: services.reminders,
    home: services.home,
    bulk: services.bulk,
    worklist: services.worklist,
    suppressions: services.kept.suppressions.among,
    // Through the directory, which forgets its cached read of a workspace that removed relink.
    installations: services.directory,
    settings: { service: services.settingsService, admins: services.settingsAdmins },
    sender: { name: config.sendgrid?.fromName ?? 'relink', email: config.sendgrid?.fromEmail ?? '' },
    clock,
    log,
  };
  registerListeners(slack.app, listenerDeps);
  const slackFor = workspaceSlack({
    directory: services.directory,
    slackApiUrl: slackConfig.apiUrl,
    log,
    metrics: services.metrics,
  });
  const publisher = createNoticePublisher({
    outbox: services.outbox,
    notices: services.notices,
    noticeData: services.noticeData,
    slackFor,
    clock,
    log: log.child({ component: 'notice-publisher' }),
    digest: {
      store: services.digests,
      settings: config.digest,
      fromFirstSync: services.syncStates.isFirstSyncWork,
    },
  });
  pipeline.define('publishNotices', () => publisher.publishPending());
  // News this process records cuts a pass of follow-ups short (lanes).
  services.observer.listen({ effectsRecorded: publisher.effectsRecorded });
  return {
    ...slack,
    stopPublishing: () => publisher.stop(),
    /** Bulk asks a stop cut short are followed again: progress on the asker's Home, then the summary. */
    followInterruptedBulks: () =>
      followUnsummarizedBulks(listenerDeps, async (id) => (await slackFor(id))?.client ?? null),
  };
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

  const database = await openDatabase({
    uri: config.database.uri,
    dataDir: config.database.dataDir,
    log,
    onLost: options.onDatabaseLost ?? exitForSupervisor(log),
    restart: options.databaseRestart,
  });
  // One list of what runs, in the order it started. Stopping walks it newest first, and so does a failed
  // start (a port in use, Slack refusing the token, a store that cannot start), which is then rethrown:
  // nothing outlives stop(), and nothing keeps a failed start's process alive.
  const running = lifecycle(log);
  running.push('database', () => database.close());
  const started = await (async () => {
    const pipeline = createPipeline(log);
    const metrics = createMetrics();
    // Learnt from Slack at its start, after the services are built; read when a notice is drawn.
    let slackTeam: string | null = null;
    const services = await buildServices(
      config,
      log,
      database,
      // The embedded database is relink's own.
      !config.database.uri || options.soleWriter === true,
      pipeline,
      clock,
      options.send,
      metrics,
      () => slackTeam,
    );
    // A send or a post in flight finishes and is recorded: stopping is not a crash.
    running.push('pipeline', () => pipeline.stop());
    services.worklist.start();
    running.push('worklist', () => services.worklist.stop());
    const worklistLoaded = loadedOnce(services.worklist.ready);
    worklistLoaded();
    const backlogs = createBacklogSampler({
      registry: metrics.registry,
      backlogs: backlogGauges(services),
      everyMs: options.backlogSampleEveryMs ?? BACKLOG_SAMPLE_MS,
      log,
    });
    backlogs.start();
    running.push('backlogs', () => backlogs.stop());
    const scheduler = createScheduler({
      connection: database.connection,
      log,
      processEvery: options.processEvery,
    });
    // drain lets running jobs finish (they are idempotent, but finishing is cheaper than redoing).
    running.push('scheduler', () => scheduler.drain({ timeout: 10_000, closeConnection: false }));
    const slack = await buildSlack(config, log, services, pipeline, clock);
    if (slack) running.push('slack', () => slack.stop());
    // First to stop: no send starts any more, and a publishing pass ends after the post in flight.
    running.push('new work', () => {
      services.sender.stop();
      slack?.stopPublishing();
    });
    await startJobs(
      scheduler,
      { ...services, clock },
      { reconcileUtilityApi: `${config.utilityapi.reconcileEveryMinutes} minutes`, ...options.jobIntervals },
    );
    // A crash leaves agenda's lock on a job that was running for the lock's lifetime (10 minutes): the
    // sends it interrupted are looked at now instead, so they are settled within 60 s (issue 12).
    void pipeline.run('sendRequests');
    // A bulk ask a stop cut short is queued on (same keys: nothing doubles); its sends then go as usual.
    void services.bulk
      .resumeUnfinished()
      .catch((err: unknown) =>
        log.error({ err }, 'interrupted bulk asks not resumed; the next start retries'),
      );
    await slack?.start();
    slackTeam = slack?.teamId() ?? null;
    void slack
      ?.followInterruptedBulks()
      .catch((err: unknown) => log.error({ err }, 'interrupted bulk asks not followed'));

    const webhookDeps = { inbox: services.inbox, clock, log, pipeline, database };
    const server = createHttpServer({
      routes: [
        healthRoute({ database }),
        readyRoute({ database, worklistLoaded, slack: () => slack?.status() ?? 'not_configured' }),
        metricsRoute({ registry: metrics.registry }),
        ...setupPageRoutes({
          ...services,
          config,
          log,
          missingSlack,
          slack,
          publishNow: () => {
            void pipeline.run('publishNotices');
            void backlogs.sample();
          },
          backlogs,
        }),
        ...[
          utilityApiWebhookRoute({ ...webhookDeps, secret: config.utilityapi.webhookSecret }),
          // Each workspace's own UtilityAPI account, at the URL its Settings show.
          workspaceUtilityApiWebhookRoute({ ...webhookDeps, accountAt: services.directory.accountAt }),
          genericWebhookRoute({ ...webhookDeps, secret: config.webhooks.signingSecret }),
          sendgridWebhookRoute({ ...webhookDeps, publicKey: config.sendgrid?.webhookPublicKey ?? null }),
        ].map((route) => countedWebhook(route, metrics)),
        ...(slack?.routes ?? []),
      ],
      log,
    });
    const port = await listen(server, config.http.port);
    running.push('http server', () => closeServer(server));
    return { services, port };
  })().catch(async (err: unknown) => {
    await running.stopAll();
    throw err;
  });
  const { services, port } = started;
  log.info({ port, database: config.database.uri ? 'external' : 'embedded' }, 'relink is up');

  let stopping: Promise<void> | null = null;
  return {
    port,
    services,
    stop() {
      stopping ??= running.stopAll().then(() => log.info('relink stopped'));
      return stopping;
    },
  };
}

/** relink never runs on without its database: exit non-zero so a supervisor starts it again. */
const exitForSupervisor = (log: Logger) => (err: Error) => {
  log.fatal({ err }, 'the database is gone; exiting so a supervisor restarts relink');
  log.flush?.();
  process.exit(1);
};

/** What runs, in the order it started, each with how it stops; `stopAll` stops it newest first, once. */
function lifecycle(log: Logger) {
  const parts: { what: string; stop: () => unknown }[] = [];
  return {
    push(what: string, stop: () => unknown): void {
      parts.push({ what, stop });
    },
    async stopAll(): Promise<void> {
      for (const { what, stop } of parts.splice(0).reverse()) {
        // One part failing must not leave the later ones (the database last) running.
        await Promise.resolve()
          .then(stop)
          .catch((err: unknown) => log.error({ err, what }, 'could not stop a part of relink'));
      }
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
    // startRelink has undone what it started; exiting now also covers anything a library left
    // running (agenda keeps a 5-minute timer per job run), so a failed start never lingers.
    log.fatal({ err }, 'relink could not start');
    log.flush?.();
    process.exit(1);
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
