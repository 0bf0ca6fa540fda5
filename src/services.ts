// Longer than 250 lines because it builds every service in dependency order, in one read.
import type { Config } from './config';
import { appHomeUrl, teamOfWorkspace } from './domain/app-home-link';
import type { SendTimings } from './domain/send-attempt';
import { DEFAULT_WHO_MAY_ACT, remindersOf } from './domain/workspace';
import { createDeliveryReports } from './email/delivery-reports';
import { createMailer } from './email/mailer';
import type { Flows } from './flows/flows';
import { createDashboardLinks } from './home/dashboard-links';
import { createHomeService } from './home/home-service';
import { createExpiryChecks } from './ingest/expiry-checks';
import { createInboxProcessor } from './ingest/inbox-processor';
import { createUtilityApiReconciler } from './ingest/reconcile';
import type { Logger } from './logger';
import { countedBounces, countedMailer } from './metrics/counted-email';
import { createMetrics, type Metrics } from './metrics/metrics';
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
import { boltLogger } from './slack/bolt-logger';
import { botClients, createSettingsAdmins } from './slack/settings-admins';
import type { Database } from './store/database';
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

/** How often the worklist re-reads what other relink processes wrote to a shared database. */
const WORKLIST_REFRESH_MS = 30_000;

/** Shorter send deadlines (claims, the wait for SendGrid's event) and mail timeout, for tests. */
export interface SendOptions {
  timings?: Partial<SendTimings>;
  mailTimeoutMs?: number;
  concurrency?: number;
}

/** What the services are built from; `flows` starts steps when stores announce (src/flows/). */
export interface ServiceOptions {
  config: Config;
  log: Logger;
  database: Database;
  /** This process is the only one writing to the database (StartOptions.soleWriter). */
  soleWriter: boolean;
  flows: Flows;
  clock: () => Date;
  send?: SendOptions;
  metrics?: Metrics;
  /** The single workspace's Slack team, known once Slack has started (App Home links need it). */
  singleWorkspaceTeam?: () => string | null;
}

/**
 * Every service relink runs, built once from the stores up (the composition root's first half; main.ts
 * starts them, src/slack/slack-wiring.ts adds Slack).
 */
export async function buildServices(options: ServiceOptions) {
  const { config, log, database, soleWriter, flows, clock } = options;
  const send = options.send ?? {};
  const metrics = options.metrics ?? createMetrics({ processMetrics: false });
  const singleWorkspaceTeam = options.singleWorkspaceTeam ?? (() => null);
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
  for (const part of [
    worklist.listeners,
    kept.suppressions.listeners,
    kept.settings.listeners,
    flows.listeners,
  ])
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
    senderName: config.reauth.senderName,
    clock,
    log,
    claims: stores.sendClaims,
    timings: send.timings,
    sendAgain: flows.runner('sendRequests'),
    suppressions,
    openRequestsOfRelinked: worklist.openRequestsOfRelinked,
    ...(send.concurrency ? { pacing: { concurrency: send.concurrency } } : {}),
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
    senderName: config.reauth.senderName,
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
    utilityapi,
    inboxProcessor,
    expiry,
    reconcile,
    syncStates,
    reauth,
    sender,
    reminders,
    noticeData,
    worklist,
    home,
    // Triage and History (issue 13): revisions of the authorization, shown on the notice at once.
    triage: createTriageService({ authorizations, clock }),
    history: createHistoryService({ authorizations, requests }),
    bulk,
    people,
    settingsService,
    settingsAdmins,
  };
}

export type Services = Awaited<ReturnType<typeof buildServices>>;
