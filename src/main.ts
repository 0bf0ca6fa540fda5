import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { healthRoute } from './http/health';
import { closeServer, createHttpServer, listen } from './http/server';
import { missingSlackVariables, setupRoute } from './http/setup-page';
import { genericWebhookRoute, utilityApiWebhookRoute } from './http/webhooks';
import { createExpiryChecks } from './ingest/expiry-checks';
import { createInboxProcessor } from './ingest/inbox-processor';
import { createUtilityApiReconciler } from './ingest/reconcile';
import { type JobIntervals, startJobs } from './jobs';
import { createScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { createUtilityApiClient } from './platforms/utilityapi/client';
import { createAuthorizationStore } from './store/authorizations';
import { openDatabase } from './store/database';
import { createInbox } from './store/inbox';
import { createModels, ensureIndexes } from './store/models';
import { createOutbox } from './store/outbox';

export interface RunningRelink {
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

/** Seams for tests and tools: a clock and faster job intervals. Production uses the defaults. */
export interface StartOptions {
  clock?: () => Date;
  jobIntervals?: JobIntervals;
  processEvery?: number | string;
}

type Services = Awaited<ReturnType<typeof buildServices>>;

async function buildServices(
  config: Config,
  log: Logger,
  database: Awaited<ReturnType<typeof openDatabase>>,
  clock: () => Date,
) {
  const models = createModels(database.connection);
  await ensureIndexes(models);
  const authorizations = createAuthorizationStore(models);
  const inbox = createInbox(models);
  const outbox = createOutbox(models);
  const utilityapi = config.utilityapi.token
    ? createUtilityApiClient({ baseUrl: config.utilityapi.url, token: config.utilityapi.token, log })
    : null;
  const inboxProcessor = createInboxProcessor({ inbox, authorizations, utilityapi, log, clock });
  const expiry = createExpiryChecks({ authorizations, warningDays: config.expiry.warningDays, clock, log });
  const reconcile = utilityapi
    ? createUtilityApiReconciler({ utilityapi, authorizations, clock, log })
    : null;
  return { models, authorizations, inbox, outbox, utilityapi, inboxProcessor, expiry, reconcile };
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
  const scheduler = createScheduler({
    connection: database.connection,
    log,
    processEvery: options.processEvery,
  });
  await startJobs(scheduler, { ...services, clock }, options.jobIntervals);

  const processSoon = () => {
    services.inboxProcessor.drain().catch((err: unknown) => log.error({ err }, 'inbox processing failed'));
  };
  const webhookDeps = { inbox: services.inbox, clock, log, onStored: processSoon };
  const server = createHttpServer({
    routes: [
      healthRoute({ database }),
      setupRoute({ missing: missingSlack }),
      utilityApiWebhookRoute({ ...webhookDeps, secret: config.utilityapi.webhookSecret }),
      genericWebhookRoute({ ...webhookDeps, secret: config.webhooks.signingSecret }),
    ],
    log,
  });
  let port: number;
  try {
    port = await listen(server, config.http.port);
  } catch (err) {
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
