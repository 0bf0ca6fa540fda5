import { loadConfig, readEnvironment } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { type StartOptions, startRelink } from '../../../src/main';

/*
 * One real relink process for tests (test/support/relink-process.ts starts it): configured from its
 * environment like `npm start`, plus the test seams of StartOptions (short job intervals and send
 * deadlines) as JSON in RELINK_TEST_START_OPTIONS. Logs JSON lines to stdout; SIGTERM stops it cleanly.
 */
async function run(): Promise<void> {
  const config = loadConfig(readEnvironment());
  const log = createLogger({ level: config.log.level, pretty: false });
  const options = JSON.parse(process.env.RELINK_TEST_START_OPTIONS ?? '{}') as StartOptions;
  const relink = await startRelink(config, log, options);
  process.once('SIGTERM', () => {
    relink.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

run().catch((err: unknown) => {
  process.stderr.write(`relink test process failed to start: ${String(err)}\n`);
  process.exit(1);
});
