// Longer than 250 lines because it holds every word of the setup page, one integration after another, so the page reads top to bottom here.
import type { CredentialState, SetupStatus, SlackWorkspaceStatus } from './setup-status';

/**
 * The setup page (`GET /`): where each integration stands, each with a plain next step. Plain,
 * server-rendered HTML (headings, lists, one form), no scripts. No secrets and no customer data: only
 * which variables are set, ids, names of workspaces and channels, times and counts.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** One line of a section: what is so, and what to do about it when something is. */
interface Item {
  ok: boolean;
  text: string;
  next?: string;
}

const STATE_WORD = { ok: 'Done', todo: 'To do' } as const;

function itemHtml(item: Item): string {
  const state = item.ok ? STATE_WORD.ok : STATE_WORD.todo;
  const next = item.next ? ` <strong>Next step:</strong> ${item.next}` : '';
  return `      <li><strong>${state}:</strong> ${item.text}${next}</li>`;
}

function section(id: string, title: string, items: Item[]): string {
  const allDone = items.every((i) => i.ok);
  return `    <section aria-labelledby="${id}">
      <h2 id="${id}">${escapeHtml(title)} — ${allDone ? 'ready' : 'needs attention'}</h2>
      <ul>
${items.map(itemHtml).join('\n')}
      </ul>
    </section>`;
}

const when = (at: Date | null, now: Date): string => {
  if (!at) return 'not since relink started';
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  const ago =
    minutes < 1 ? 'just now' : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
  return `${escapeHtml(at.toISOString().replace(/\.\d+Z$/, 'Z'))} (${ago})`;
};

const urlToPaste = (publicUrl: string | null, path: string) =>
  publicUrl ? `${publicUrl.replace(/\/$/, '')}${path}` : null;

const NO_PUBLIC_URL =
  `set ${code('RELINK_PUBLIC_URL')} to the address the platform can reach (in development, a tunnel such as ` +
  `${code('ngrok http 3000')} gives one), then restart relink to see the URL to paste here.`;

const credential = (state: CredentialState, what: string, fix: string): Item => {
  if (state === 'valid') return { ok: true, text: `${what} works.` };
  if (state === 'invalid') return { ok: false, text: `${what} was refused.`, next: fix };
  return {
    ok: false,
    text: `${what} could not be checked: the service did not answer.`,
    next: 'check the network from this server; this page checks again within a minute.',
  };
};

function slackWorkspaceItems(w: SlackWorkspaceStatus, oauth: boolean): Item[] {
  const name = w.name ? `Workspace “${escapeHtml(w.name)}”` : 'The workspace';
  const fix = oauth
    ? 'install relink again from its install page (/slack/install).'
    : `check ${code('SLACK_BOT_TOKEN')} (the Bot User OAuth Token, ${code('xoxb-…')}) and restart relink.`;
  const items = [credential(w.token, `${name}: the bot token`, fix)];
  if (w.token !== 'valid') return items;
  const choose = oauth
    ? 'choose one in relink’s Settings (App Home in Slack).'
    : `set ${code('SLACK_ALERT_CHANNEL')} to the channel id and restart relink.`;
  if (!w.channel) return [...items, { ok: false, text: `${name} has no alert channel yet.`, next: choose }];
  const channel = w.channel.name ? `#${escapeHtml(w.channel.name)}` : code(w.channel.id);
  if (w.channel.error) {
    return [
      ...items,
      {
        ok: false,
        text: `Slack cannot show the alert channel ${code(w.channel.id)} (${code(w.channel.error)}).`,
        next: `check the channel id; for a private channel, invite the bot first (${code('/invite @relink')}), or ${choose}`,
      },
    ];
  }
  if (w.channel.botIsMember === false) {
    return [
      ...items,
      {
        ok: false,
        text: `The bot is not in the alert channel ${channel}, so notices cannot be posted.`,
        next: `in Slack, open ${channel} and type ${code('/invite @relink')}.`,
      },
    ];
  }
  return [...items, { ok: true, text: `Notices go to ${channel}, and the bot is in it.` }];
}

function slackSection(status: SetupStatus): string {
  const { slack } = status;
  if (!slack.configured) {
    return section('slack', 'Slack', [
      {
        ok: false,
        text: `Slack is not set up: webhooks are received and stored, but nothing reaches Slack until these are set: ${slack.missing.map(code).join(', ')}.`,
        next: 'follow the README section “Create the Slack app”, then restart relink.',
      },
    ]);
  }
  const items: Item[] = [];
  if (slack.transport === 'socket') {
    items.push(
      slack.connected
        ? { ok: true, text: 'Connected to Slack over Socket Mode.' }
        : {
            ok: false,
            text: 'Not connected over Socket Mode right now (relink keeps trying).',
            next: `check ${code('SLACK_APP_TOKEN')} (an ${code('xapp-…')} token with ${code('connections:write')}) and the network.`,
          },
    );
  } else {
    const events = urlToPaste(status.publicUrl, '/slack/events');
    items.push(
      events
        ? {
            ok: true,
            text: `Slack calls relink over HTTP at ${code(events)} (the Request URL of Event Subscriptions, Interactivity and the slash command).`,
          }
        : { ok: false, text: 'Slack calls relink over HTTP, at /slack/events.', next: NO_PUBLIC_URL },
    );
  }
  if (slack.workspaces.length === 0) {
    items.push({
      ok: false,
      text: 'No workspace has installed relink yet.',
      next: 'open /slack/install and add relink to a workspace.',
    });
  }
  const oauth = slack.transport === 'http' && status.publicUrl !== null && slack.workspaces.length > 1;
  for (const w of slack.workspaces) items.push(...slackWorkspaceItems(w, oauth));
  return section('slack', 'Slack', items);
}

function utilityApiSection(status: SetupStatus): string {
  const { utilityapi: u } = status;
  const now = status.checkedAt;
  const items: Item[] = [];
  if (u.accounts.length === 0) {
    items.push({
      ok: false,
      text: 'No UtilityAPI account is connected.',
      next: `set ${code('UTILITYAPI_TOKEN')} (one workspace) or connect UtilityAPI in relink’s Settings (App Home in Slack).`,
    });
  }
  for (const account of u.accounts) {
    const fix = `create a new API token in UtilityAPI and set it (${code('UTILITYAPI_TOKEN')}, or relink’s Settings).`;
    items.push(credential(account.token, 'The UtilityAPI token', fix));
  }
  items.push({
    ok: u.lastReconcileAt !== null,
    text: `Last reconcile with UtilityAPI: ${when(u.lastReconcileAt, now)}.`,
    ...(u.lastReconcileAt ? {} : { next: 'it runs at start and then on its interval once a token is set.' }),
  });
  if (u.webhookPath) {
    const url = urlToPaste(status.publicUrl, u.webhookPath);
    items.push(
      url
        ? { ok: true, text: `Webhook URL to paste in UtilityAPI’s webhook settings: ${code(url)}.` }
        : { ok: false, text: 'UtilityAPI’s webhooks have no URL to reach relink yet.', next: NO_PUBLIC_URL },
    );
    if (!u.webhookSecretSet) {
      items.push({
        ok: false,
        text: 'Webhooks are refused until relink knows their secret.',
        next: `set ${code('UTILITYAPI_WEBHOOK_SECRET')} to the webhook secret UtilityAPI shows.`,
      });
    }
  } else {
    items.push({
      ok: true,
      text: 'Each workspace’s webhook URL to paste in UtilityAPI is in its relink Settings (App Home).',
    });
  }
  items.push({
    ok: true,
    text: `Last webhook received: ${when(u.lastWebhookAt, now)}. Without webhooks, reconcile still catches every change within its interval.`,
  });
  return section('utilityapi', 'UtilityAPI', items);
}

function sendgridSection(status: SetupStatus): string {
  const s = status.sendgrid;
  if (!s) {
    return section('sendgrid', 'SendGrid', [
      {
        ok: false,
        text: 'SendGrid is not set up: notices reach Slack, but no reauthorization email can be sent.',
        next: `set ${code('SENDGRID_API_KEY')} (Mail Send permission) and ${code('SENDGRID_FROM_EMAIL')}, then restart relink.`,
      },
    ]);
  }
  const items: Item[] = [
    credential(
      s.key,
      'The SendGrid API key',
      `create an API key with Mail Send permission and set ${code('SENDGRID_API_KEY')}.`,
    ),
  ];
  const sender = code(s.sender.email);
  const senderItem: Record<typeof s.sender.state, Item> = {
    verified: { ok: true, text: `The sender ${sender} is verified in SendGrid.` },
    unverified: {
      ok: false,
      text: `The sender ${sender} is not verified yet.`,
      next: 'open the email SendGrid sent to that address and confirm it (Settings → Sender Authentication).',
    },
    not_listed: {
      ok: true,
      text: `The sender ${sender} is not a Single Sender in SendGrid: that is fine if its domain is authenticated (Settings → Sender Authentication).`,
    },
    cannot_tell: {
      ok: true,
      text: `SendGrid did not say whether ${sender} is verified (the key may only send mail); SendGrid refuses mail from an unverified sender.`,
    },
  };
  items.push(senderItem[s.sender.state]);
  const url = urlToPaste(status.publicUrl, s.webhookPath);
  items.push(
    url
      ? {
          ok: true,
          text: `Event Webhook URL to paste in SendGrid (Settings → Mail Settings → Event Webhook): ${code(url)}.`,
        }
      : { ok: false, text: 'SendGrid’s Event Webhook has no URL to reach relink yet.', next: NO_PUBLIC_URL },
  );
  if (!s.signedEvents) {
    items.push({
      ok: false,
      text: 'Delivery events are refused until relink can verify them.',
      next: `turn on Signed Event Webhook in SendGrid and set ${code('SENDGRID_WEBHOOK_PUBLIC_KEY')} to the verification key it shows.`,
    });
  }
  items.push({ ok: true, text: `Last delivery event received: ${when(s.lastEventAt, status.checkedAt)}.` });
  return section('sendgrid', 'SendGrid', items);
}

function deadLettersSection(status: SetupStatus, retryForm: string): string {
  const { parkedNotices, poisonedEvents } = status.deadLetters;
  const items: Item[] = [];
  if (parkedNotices === null)
    items.push({ ok: true, text: 'Not counted yet: counts are taken once a minute.' });
  else if (parkedNotices === 0) items.push({ ok: true, text: 'No parked notices.' });
  else {
    items.push({
      ok: false,
      text: `${parkedNotices} notice${parkedNotices === 1 ? '' : 's'} Slack refused for good ${parkedNotices === 1 ? 'is' : 'are'} parked (the log says why for each).`,
      next: `fix the cause (usually: invite the bot to the alert channel), then retry them: ${retryForm}`,
    });
  }
  if (poisonedEvents) {
    items.push({
      ok: false,
      text: `${poisonedEvents} webhook event${poisonedEvents === 1 ? ' was' : 's were'} given up on after repeated failures.`,
      next: 'look for “inbox event poisoned” in the log; reconcile repairs the authorizations they were about.',
    });
  }
  return section('dead-letters', 'Dead letters', items);
}

/** The whole page. `retryAction` is the form target for retrying parked notices, with its token. */
export function setupPageHtml(status: SetupStatus, retry: { action: string; token: string }): string {
  const retryForm = `<form method="post" action="${escapeHtml(retry.action)}"><input type="hidden" name="token" value="${escapeHtml(retry.token)}"><button type="submit">Retry parked notices</button></form>`;
  const title = 'relink setup';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
  </head>
  <body>
    <main>
    <h1>${title}</h1>
    <p>Where each integration stands, checked ${when(status.checkedAt, status.checkedAt)}. Remote checks are reused for a minute.</p>
${slackSection(status)}
${utilityApiSection(status)}
${sendgridSection(status)}
${deadLettersSection(status, retryForm)}
    </main>
  </body>
</html>
`;
}
