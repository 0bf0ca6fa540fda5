import type { RecordedCall } from '../test/support/slack-standin';

/** Figures the Slack cases read from the stand-in's recorded calls. */

/** Slack calls to `channel` per one-second bucket (counted from `from`), between `from` and `until`. */
export function callsPerSecond(calls: readonly RecordedCall[], channel: string, from: number, until: number) {
  const buckets = new Map<number, number>();
  for (const c of calls) {
    if (c.args.channel !== channel || c.at < from || c.at > until) continue;
    const second = Math.floor((c.at - from) / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
  }
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  const span = Math.max(1, (until - from) / 1000);
  return { peak: Math.max(0, ...buckets.values()), mean: total / span, total };
}

/** The ts of the message a call posted (from Slack's answer) or changed; undefined for other calls. */
export function messageTsOf(call: RecordedCall): string | undefined {
  if (call.method === 'chat.update') return typeof call.args.ts === 'string' ? call.args.ts : undefined;
  const ts = (call.response as { ts?: unknown } | undefined)?.ts;
  return call.method === 'chat.postMessage' && typeof ts === 'string' ? ts : undefined;
}

/** What a person reads in a message a call posts or changes: its fallback text and its blocks. */
export const shownText = (call: RecordedCall): string =>
  `${String(call.args.text ?? '')} ${JSON.stringify(call.args.blocks ?? [])}`;

/**
 * Calls to `channel` between `from` and `until` that are not about the customers `names`: those
 * naming one (a notice, a digest listing it) and those on a message that did (its updates and thread
 * replies) are left out. Broken down by what they did.
 */
export function callsNotAbout(input: {
  calls: readonly RecordedCall[];
  channel: string;
  names: readonly string[];
  from: number;
  until: number;
}) {
  const theirTs = new Set<string>();
  const isTheirs = (c: RecordedCall) => {
    const text = shownText(c);
    if (input.names.some((name) => text.includes(name))) {
      const ts = messageTsOf(c);
      if (ts) theirTs.add(ts);
      return true;
    }
    return [c.args.ts, c.args.thread_ts].some((ts) => typeof ts === 'string' && theirTs.has(ts));
  };
  const rest = input.calls
    .filter((c) => c.args.channel === input.channel && c.at >= input.from && c.at <= input.until)
    .filter((c) => !isTheirs(c));
  const count = (test: (c: RecordedCall) => boolean) => rest.filter(test).length;
  const isPost = (c: RecordedCall) => c.method === 'chat.postMessage';
  return {
    total: rest.length,
    posts: count((c) => isPost(c) && !c.args.thread_ts),
    replies: count((c) => isPost(c) && !!c.args.thread_ts),
    updates: count((c) => c.method === 'chat.update'),
    // chat.getPermalink (the Home's links to a notice) and anything else naming the channel.
    other: count((c) => !isPost(c) && c.method !== 'chat.update'),
    refused: count((c) => !c.ok),
  };
}
