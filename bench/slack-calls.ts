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
