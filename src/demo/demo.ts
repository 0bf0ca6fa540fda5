import { type Config, ConfigError, loadConfig, readEnvironment } from '../config';
import { SINGLE_WORKSPACE_ID } from '../domain/workspace';
import { missingSlackVariables } from '../http/setup-page';
import { createLogger, type Logger } from '../logger';
import { type RunningRelink, type StartOptions, startRelink } from '../main';
import { openDatabase } from '../store/database';
import { type CleanReport, cleanSamples } from './clean-samples';
import { type DemoArgs, DemoUsageError, parseDemoArgs } from './demo-args';
import { postSamples } from './post-samples';

/*
 * `npm run demo`: relink itself, started as `npm start` starts it, plus sample notices in the alert
 * channel (a bad login, an expiry, a decline and an expiring-soon warning) whose whole flow works for
 * real: the form, the preview, Send, and the email, which goes to the address given. It keeps running
 * so the flow can be tried; `npm run demo -- --clean` then removes the samples.
 */

/** The demo needs single-workspace Slack (tokens in env): the samples go to SLACK_ALERT_CHANNEL. */
export function demoProblems(config: Config): string[] {
  if (!config.slack) return ['Slack is not configured: set the variables in README "Create the Slack app"'];
  const missing = missingSlackVariables(config.slack);
  if (missing.length > 0) return [`Slack is not fully configured: set ${missing.join(', ')}`];
  if (config.slack.oauth || !config.slack.botToken)
    return [
      'the demo posts with SLACK_BOT_TOKEN to SLACK_ALERT_CHANNEL (single-workspace mode), not OAuth installs',
    ];
  return [];
}

/** Starts relink and posts the samples; the caller stops it. */
export async function runDemo(
  config: Config,
  log: Logger,
  email: string,
  options: StartOptions = {},
): Promise<RunningRelink> {
  const relink = await startRelink(config, log, options);
  try {
    const { services } = relink;
    const settings = await services.directory.settings(SINGLE_WORKSPACE_ID);
    await postSamples(
      {
        authorizations: services.authorizations,
        workspaceId: SINGLE_WORKSPACE_ID,
        warningDays: settings.expiryWarningDays,
        clock: options.clock ?? (() => new Date()),
      },
      email,
    );
    return relink;
  } catch (err) {
    await relink.stop();
    throw err;
  }
}

/** Removes the samples from the database relink is configured with, and their Slack messages. */
export async function cleanDemo(config: Config, log: Logger): Promise<CleanReport> {
  const database = await openDatabase({ uri: config.database.uri, dataDir: config.database.dataDir, log });
  try {
    const slack = config.slack?.botToken
      ? { botToken: config.slack.botToken, apiUrl: config.slack.apiUrl }
      : null;
    return await cleanSamples({ connection: database.connection, slack, log });
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  let args: DemoArgs;
  let config: Config;
  try {
    args = parseDemoArgs(process.argv.slice(2));
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof DemoUsageError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.log);
  if (args.command === 'clean') {
    const report = await cleanDemo(config, log);
    log.info({ ...report }, 'samples removed');
    process.exit(0);
  }
  const problems = demoProblems(config);
  if (problems.length > 0) {
    process.stderr.write(
      `npm run demo cannot post samples:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  if (!config.sendgrid)
    log.warn('SendGrid is not configured: the samples can be asked about, but Send fails until it is');
  const relink = await runDemo(config, log, args.email);
  log.info(
    { channel: config.slack?.alertChannel },
    'sample notices posted: click "Ask the utility customer to reauthorize" on one to try the flow; ' +
      'Ctrl-C stops relink, then npm run demo -- --clean removes the samples',
  );
  const shutdown = () => {
    relink.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm run demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
