import { Types } from 'mongoose';
import type { RunningRelink } from '../src/main';
import type { RecordedCall, SlackStandin } from '../test/support/slack-standin';
import { messageTsOf, shownText } from './slack-calls';

/** One new incident the lanes case reports, and when the team could first see it in Slack. */
export interface Incident {
  customerName: string;
  authorizationId: string;
  /** Date.now() just before its webhook went out; null until then. */
  webhookAt: number | null;
  /** When the stand-in got the call that showed it (its `at`); null while not seen. */
  seenAt: number | null;
  seenAs: 'notice' | 'digest' | null;
}

/**
 * Watches the stand-in for the first call that shows each incident in `channel`: a top-level post or
 * update naming its customer (its own notice, or a digest listing it), or, for an incident relink put
 * in a digest that does not name it (a digest names only its oldest few), the first post or update of
 * that digest at or after the incident joined it (its notice record's claim, relink's clock).
 */
export function watchIncidents(input: {
  slack: SlackStandin;
  relink: RunningRelink;
  channel: string;
  incidents: readonly Incident[];
}) {
  const { slack, channel, incidents } = input;
  const notices = input.relink.services.models.Authorization.db.collection('notices');
  /** Per digest ts: the incidents that joined it, and since when. */
  const joined = new Map<string, Array<{ incident: Incident; since: number }>>();
  const knownJoins = new Set<Incident>();
  let scanned = 0;

  const shows = (call: RecordedCall) =>
    call.ok &&
    call.args.channel === channel &&
    !call.args.thread_ts &&
    (call.method === 'chat.postMessage' || call.method === 'chat.update');

  function see(incident: Incident, call: RecordedCall, as: 'notice' | 'digest') {
    if (incident.seenAt !== null || incident.webhookAt === null || call.at < incident.webhookAt) return;
    incident.seenAt = call.at;
    incident.seenAs = as;
  }

  /** Digest joins of incidents not seen yet, read by relink's notice records (a small `$in`). */
  async function readJoins(): Promise<void> {
    const unseen = incidents.filter((i) => i.webhookAt !== null && i.seenAt === null && !knownJoins.has(i));
    if (unseen.length === 0) return;
    const byId = new Map(unseen.map((i) => [i.authorizationId, i]));
    const records = await notices
      .find({
        kind: 'incident',
        digestOf: { $ne: null },
        authorizationId: { $in: unseen.map((i) => new Types.ObjectId(i.authorizationId)) },
      })
      .project<{ authorizationId: unknown; digestOf: string; claimedAt: Date }>({
        authorizationId: 1,
        digestOf: 1,
        claimedAt: 1,
      })
      .toArray();
    for (const record of records) {
      const incident = byId.get(String(record.authorizationId));
      const digest = await notices.findOne<{ ts: string | null }>({ _id: record.digestOf as never });
      if (!incident || !digest?.ts) continue;
      knownJoins.add(incident);
      const list = joined.get(digest.ts) ?? [];
      list.push({ incident, since: record.claimedAt.getTime() });
      joined.set(digest.ts, list);
    }
  }

  return {
    /** Reads the calls the stand-in got since the last look (and, with `readDatabase`, digest joins). */
    async look(readDatabase: boolean): Promise<void> {
      if (readDatabase) await readJoins();
      const calls = slack.calls;
      // A digest join is read after the digest's call may have been scanned: those calls are read again.
      const from = readDatabase ? 0 : scanned;
      for (let n = from; n < calls.length; n++) {
        const call = calls[n] as RecordedCall;
        if (!shows(call)) continue;
        const text = shownText(call);
        for (const incident of incidents)
          if (text.includes(incident.customerName)) see(incident, call, 'notice');
        const ts = messageTsOf(call);
        for (const { incident, since } of (ts && joined.get(ts)) || [])
          if (call.at >= since) see(incident, call, 'digest');
      }
      scanned = calls.length;
    },
  };
}
