import type { ServerResponse } from 'node:http';
import type { Logger as BoltLogger, HTTPReceiverOptions, Installation } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { type InstallProblem, installedPage, installProblemPage } from '../../blocks/install-pages';
import { safeError } from './bolt-logger';
import { INVALID_STATE } from './oauth-state';

type CallbackOptions = NonNullable<NonNullable<HTTPReceiverOptions['installerOptions']>['callbackOptions']>;

// @slack/oauth's error codes (its ErrorCode, which Bolt does not re-export).
const PROBLEM_OF_CODE: Record<string, { problem: InstallProblem; status: number }> = {
  [INVALID_STATE]: { problem: 'link_expired', status: 400 },
  slack_oauth_missing_state: { problem: 'link_expired', status: 400 },
  slack_oauth_missing_code: { problem: 'link_expired', status: 400 },
  // The installer pressed Cancel on Slack's page (`error=access_denied`).
  slack_oauth_installer_authorization_error: { problem: 'cancelled', status: 200 },
};

function sendPage(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  // The page's URL carries the one-time code and state: keep it out of caches and referrers.
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/** Best effort: an org-wide grant relink refuses should not leave a working token behind. */
async function revokeBotToken(installation: Installation, slackApiUrl: string, log: BoltLogger) {
  const token = installation.bot?.token;
  if (!token) return;
  try {
    await new WebClient(token, { slackApiUrl, retryConfig: { retries: 0 } }).auth.revoke();
  } catch (err) {
    log.warn('could not revoke the token of a refused org-wide install', safeError(err));
  }
}

/**
 * What the installer sees when Slack sends them back to `/slack/oauth_redirect`: the next steps, or
 * what went wrong in plain words, never a stack trace or an error code. Org-wide Enterprise Grid
 * installs are refused before anything is stored (relink's data belongs to one workspace each).
 */
export function installCallbacks(input: {
  installPath: string;
  slackApiUrl: string;
  log: BoltLogger;
}): CallbackOptions {
  const { log } = input;
  return {
    afterInstallation: async (installation, _options, _req, res) => {
      if (!installation.isEnterpriseInstall) return true;
      log.warn('refused an org-wide Enterprise Grid install');
      await revokeBotToken(installation as Installation, input.slackApiUrl, log);
      sendPage(res, 403, installProblemPage('org_wide', input.installPath));
      return false;
    },
    success: (installation, _options, _req, res) => {
      const teamId = installation.team?.id ?? '';
      log.info(`relink was installed in workspace ${teamId}`);
      sendPage(
        res,
        200,
        installedPage({
          teamId,
          teamName: installation.team?.name ?? null,
          appId: installation.appId ?? null,
        }),
      );
    },
    failure: (error, _options, _req, res) => {
      const known = PROBLEM_OF_CODE[error.code];
      // @slack/oauth has logged the error itself; the page says only what the installer can act on.
      sendPage(res, known?.status ?? 500, installProblemPage(known?.problem ?? 'failed', input.installPath));
    },
  };
}
