import { loadConfig } from '../../src/config';
import { type RunningRelink, startRelink } from '../../src/main';
import { embeddedDatabasePid } from '../support/embedded-database-process';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';
import { createSlackStandin } from '../support/slack-standin';
import { useTempDirs } from '../support/temp-dirs';

/*
 * /readyz of a whole relink (HTTP-mode Slack against the stand-in, its own embedded database): ready
 * once started, not ready the moment its database process is killed, ready again once relink has
 * started the database again.
 */

const dataDir = useTempDirs()('readyz');

const databasePid = () => embeddedDatabasePid(dataDir);

describe('GET /readyz on a running relink', () => {
  const slack = createSlackStandin({ botToken: 'xoxb-readyz-0123456789', teamId: 'T0READY001' });
  let relink: RunningRelink;
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${relink.port}/readyz`);
    return { status: response.status, body: (await response.json()) as { reasons: string[]; slack: string } };
  };

  beforeAll(async () => {
    const { apiUrl } = await slack.start();
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-readyz-0123456789',
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_ALERT_CHANNEL: 'C0ALERTS01',
      SLACK_API_URL: apiUrl,
    });
    relink = await startRelink(config, silentLog(), {
      jobIntervals: { expireDue: '1 hour', warnExpiring: '1 hour' },
      onDatabaseLost: () => undefined,
    });
  }, 60_000);

  afterAll(async () => {
    await relink?.stop();
    await slack.stop();
  });

  it('is ready once started, not ready while its database is gone, and ready again after the restart', async () => {
    const up = await eventually(async () => {
      const answer = await readyz();
      return answer.status === 200 && answer;
    }, 'ready after start');
    expect(up.body).toEqual({ ready: true, slack: 'configured', reasons: [] });

    process.kill(databasePid(), 'SIGKILL');
    const down = await eventually(async () => {
      const answer = await readyz();
      return answer.status === 503 && answer;
    }, 'not ready with the database gone');
    expect(down.body.reasons).toContain('database unavailable');

    await eventually(async () => (await readyz()).status === 200, 'ready after the restart', 45_000);
  }, 90_000);
});
