import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { serviceSteps } from './flows/bodies';
import { createFlows } from './flows/flows';
import type { StepIntervals } from './flows/steps';
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
import { createScheduler } from './jobs/scheduler';
import { lifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { createBacklogSampler } from './metrics/backlogs';
import { createMetrics } from './metrics/metrics';
import { countedWebhook } from './metrics/webhook-outcome';
import { buildServices, type SendOptions, type Services } from './services';
import { buildSlack } from './slack/slack-wiring';
import { openDatabase } from './store/database';
import type { RestartPolicy } from './store/embedded-db';

export interface RunningRelink {
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

/** Seams for tests and tools: a clock and faster job intervals. Production uses the defaults. */
export interface StartOptions {
  clock?: () => Date;
  jobIntervals?: Partial<StepIntervals>;
  processEvery?: number | string;
  send?: SendOptions;
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

/** How often the backlog gauges are counted: a count reads its whole collection on FerretDB. */
const BACKLOG_SAMPLE_MS = 60_000;

/**
 * The composition root: config → database → services → Slack → flows → HTTP. Everything relink runs is
 * built here (services.ts and slack/slack-wiring.ts build the parts) and started in one list that
 * `stop()` walks back.
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
    const metrics = createMetrics();
    const flows = createFlows({ log, metrics });
    // Learnt from Slack at its start, after the services are built; read when a notice is drawn.
    let slackTeam: string | null = null;
    const services = await buildServices({
      config,
      log,
      database,
      // The embedded database is relink's own.
      soleWriter: !config.database.uri || options.soleWriter === true,
      flows,
      clock,
      send: options.send,
      metrics,
      singleWorkspaceTeam: () => slackTeam,
    });
    flows.define(serviceSteps({ ...services, clock }));
    // A send or a post in flight finishes and is recorded: stopping is not a crash.
    running.push('flows', () => flows.stop());
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
    const slack = await buildSlack({ config, log, services, flows, clock });
    if (slack) running.push('slack', () => slack.stop());
    // First to stop: no send starts any more, and a publishing pass ends after the post in flight.
    running.push('new work', () => {
      services.sender.stop();
      slack?.stopPublishing();
    });
    await flows.schedule(scheduler, {
      reconcileUtilityApi: `${config.utilityapi.reconcileEveryMinutes} minutes`,
      ...options.jobIntervals,
    });
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

    const webhookDeps = { inbox: services.inbox, clock, log, database };
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
          afterRetry: () => void backlogs.sample(),
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
