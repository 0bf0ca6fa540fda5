import { WebClient } from '@slack/web-api';
import type { Connection } from 'mongoose';
import { SAMPLE_ID_PREFIX } from '../domain/samples';
import type { Logger } from '../logger';

/** Where a sample left traces, besides its authorization: every record keyed by its id. */
const BY_AUTHORIZATION = ['notices', 'outbox', 'audit_events', 'reauth_requests'] as const;

interface SlackMessageRef {
  channel: string;
  ts: string | null;
  kind: string;
}

export interface CleanReport {
  authorizations: number;
  messagesDeleted: number;
  /** Messages Slack would not delete (already gone, or the channel left): their records go anyway. */
  messagesLeft: number;
}

/**
 * Removes every sample (`npm run demo -- --clean`): its Slack messages (thread replies first, then the
 * notices), then its records. A demo tool, run while no relink serves this database: the collections
 * are read with filters once, which is fine at demo sizes but never on a hot path (FerretDB scans).
 */
export async function cleanSamples(deps: {
  connection: Connection;
  slack: { botToken: string; apiUrl: string } | null;
  log: Logger;
}): Promise<CleanReport> {
  const db = deps.connection;
  const samples = await db
    .collection('authorizations')
    .find(
      { externalId: { $regex: `^${SAMPLE_ID_PREFIX}` } },
      { projection: { _id: 1, workspaceId: 1, source: 1, externalId: 1 } },
    )
    .toArray();
  const ids = samples.map((s) => s._id);
  const messages = ids.length
    ? ((await db
        .collection('notices')
        .find({ authorizationId: { $in: ids } })
        .toArray()) as unknown as SlackMessageRef[])
    : [];
  const report: CleanReport = { authorizations: samples.length, messagesDeleted: 0, messagesLeft: 0 };
  if (deps.slack) {
    const client = new WebClient(deps.slack.botToken, {
      slackApiUrl: deps.slack.apiUrl,
      retryConfig: { retries: 1 },
    });
    const ordered = [...messages].sort((a, b) => Number(a.kind !== 'reply') - Number(b.kind !== 'reply'));
    for (const message of ordered) {
      if (!message.ts) continue;
      try {
        await client.chat.delete({ channel: message.channel, ts: message.ts });
        report.messagesDeleted++;
      } catch (err) {
        report.messagesLeft++;
        deps.log.warn({ err, channel: message.channel, ts: message.ts }, 'sample message not deleted');
      }
    }
  }
  if (ids.length > 0) {
    for (const collection of BY_AUTHORIZATION)
      await db.collection(collection).deleteMany({ authorizationId: { $in: ids } });
    await db.collection('authorization_keys').deleteMany({ authorizationId: { $in: ids } });
    await db.collection('authorizations').deleteMany({ _id: { $in: ids } });
  }
  return report;
}
