import { loadConfig } from '../../src/config';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { startRelink } from '../../src/main';
import { testDatabaseUri, uniqueDbName } from '../support/database';
import { silentLog } from '../support/silent-log';

describe('GET /metrics', () => {
  it('reports the backlogs in the Prometheus text format, counting what the database holds', async () => {
    const config = loadConfig({ PORT: '0', MONGODB_URI: `${testDatabaseUri()}${uniqueDbName('metrics')}` });
    const relink = await startRelink(config, silentLog(), { jobIntervals: { processInbox: '1 hour' } });
    try {
      // Without UTILITYAPI_TOKEN this event cannot be processed, so it stays pending even when the
      // process-inbox job runs meanwhile (agenda runs every job once at start).
      await relink.services.inbox.store(
        [
          {
            workspaceId: SINGLE_WORKSPACE_ID,
            source: 'utilityapi',
            eventId: 'm1',
            type: 'authorization_created',
            payload: { authorization_uid: 'a1' },
          },
        ],
        new Date(),
      );
      await relink.services.pipeline.run('processInbox');
      const response = await fetch(`http://127.0.0.1:${relink.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const body = await response.text();
      expect(body).toContain('# TYPE relink_inbox_pending gauge');
      expect(body).toMatch(/^relink_inbox_pending 1$/m);
      expect(body).toMatch(/^relink_outbox_pending 0$/m);
      expect(body).toMatch(/^relink_requests_queued 0$/m);
    } finally {
      await relink.stop();
    }
  });
});
