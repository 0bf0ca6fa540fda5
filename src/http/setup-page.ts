import type { Config } from '../config';
import { sendJson } from './body';
import type { Route } from './server';

const TITLE = 'relink is running in setup mode';
const README_SECTION = 'Create the Slack app';
const README_ANCHOR = 'README.md#create-the-slack-app';

/**
 * The Slack variables still needed before relink can talk to Slack, worded as the README and
 * `.env.example` name them; empty once Slack is configured.
 */
export function missingSlackVariables(slack: Config['slack'] | null): string[] {
  const missing: string[] = [];
  if (!slack?.botToken && !slack?.oauth) missing.push('SLACK_BOT_TOKEN');
  if (!slack?.signingSecret && !slack?.appToken) {
    missing.push('SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!slack?.alertChannel && !slack?.oauth) missing.push('SLACK_ALERT_CHANNEL');
  return missing;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function setupHtml(missing: readonly string[]): string {
  const items = missing.map((v) => `      <li><code>${escapeHtml(v)}</code></li>`).join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${TITLE}</title>
  </head>
  <body>
    <h1>${TITLE}</h1>
    <p>Webhooks are received and stored, but nothing reaches Slack until these variables are set:</p>
    <ul>
${items}
    </ul>
    <p>See the section “${README_SECTION}” in <code>${README_ANCHOR.split('#')[0]}</code>, then restart relink.</p>
  </body>
</html>
`;
}

const wantsJson = (accept: string | undefined) => (accept ?? '').toLowerCase().includes('application/json');

/**
 * `GET /`: whether relink can reach Slack. In setup mode a person opening the URL sees what to set
 * (HTML) and a script asking for JSON gets the same list.
 */
export function setupRoute(input: { missing: readonly string[] }): Route {
  const missing = [...input.missing];
  return {
    method: 'GET',
    path: '/',
    handler: (req, res) => {
      if (missing.length === 0) {
        sendJson(res, 200, { name: 'relink', slack: 'configured' });
        return;
      }
      if (wantsJson(req.headers.accept)) {
        sendJson(res, 200, { name: 'relink', slack: 'setup', title: TITLE, missing, help: README_ANCHOR });
        return;
      }
      const html = setupHtml(missing);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
      });
      res.end(html);
    },
  };
}
