import { type Config, ConfigError, loadConfig, readEnvironment } from './config';
import { healthRoute } from './http/health';
import { closeServer, createHttpServer, listen } from './http/server';
import { createScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { openDatabase } from './store/database';

export interface RunningRelink {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The composition root: config → database → services → jobs → HTTP. Everything relink runs is
 * built here and handed to whoever needs it; `stop()` undoes it in reverse order.
 */
export async function startRelink(config: Config, log: Logger): Promise<RunningRelink> {
  if (!config.slack) {
    log.warn(
      { missing: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN', 'SLACK_ALERT_CHANNEL'] },
      'Slack is not configured: running without Slack (see README, "Create the Slack app")',
    );
  }

  const database = await openDatabase({ uri: config.database.uri, dataDir: config.database.dataDir, log });
  const scheduler = createScheduler({ connection: database.connection, log });
  await scheduler.start();

  const server = createHttpServer({ routes: [healthRoute({ database })], log });
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
