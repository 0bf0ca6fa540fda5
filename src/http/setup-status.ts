import type { Logger } from '../logger';
import type { UtilityApiClient } from '../platforms/utilityapi/client';
import { checkSendgrid, checkSlack, checkUtilityApi, type Remote } from './setup-checks';

/** What a remote check found: the credential works, was refused, or the service could not be asked. */
export type CredentialState = 'valid' | 'invalid' | 'unreachable';
/** A SendGrid Single Sender identity's state, when SendGrid lets the key ask. */
export type SenderState = 'verified' | 'unverified' | 'not_listed' | 'cannot_tell';

export interface SlackWorkspaceStatus {
  name: string | null;
  token: CredentialState;
  /** Null when no alert channel is chosen yet. */
  channel: { id: string; name: string | null; botIsMember: boolean | null; error: string | null } | null;
}

export interface SetupStatus {
  checkedAt: Date;
  publicUrl: string | null;
  slack:
    | { configured: false; missing: string[] }
    | {
        configured: true;
        transport: 'socket' | 'http';
        oauth: boolean;
        connected: boolean;
        workspaces: SlackWorkspaceStatus[];
      };
  utilityapi: {
    accounts: { workspaceId: string; token: CredentialState }[];
    /** Single-workspace mode's webhook (null with OAuth: each workspace's Settings show its own). */
    webhookPath: string | null;
    webhookSecretSet: boolean;
    lastReconcileAt: Date | null;
    lastWebhookAt: Date | null;
  };
  sendgrid: null | {
    key: CredentialState;
    sender: { email: string; state: SenderState };
    webhookPath: string;
    signedEvents: boolean;
    lastEventAt: Date | null;
  };
  /** Null until the backlog gauges were first counted. */
  deadLetters: { parkedNotices: number | null; poisonedEvents: number | null };
}

export interface SetupStatusDeps {
  publicUrl: string | null;
  slack:
    | { configured: false; missing: string[] }
    | {
        configured: true;
        transport: 'socket' | 'http';
        oauth: boolean;
        apiUrl: string;
        connected: () => boolean;
        /** Every workspace relink serves, with its bot token and alert channel. */
        workspaces: () => Promise<{ name: string | null; botToken: string | null; channel: string | null }[]>;
      };
  utilityapi: {
    /** The UtilityAPI accounts connected, by workspace. */
    accounts: () => Promise<{ workspaceId: string; client: UtilityApiClient }[]>;
    singleWebhook: boolean;
    webhookSecretSet: boolean;
    lastReconcileAt: () => Date | null;
    lastWebhookAt: () => Date | null;
  };
  sendgrid: null | {
    apiUrl: string;
    apiKey: string;
    fromEmail: string;
    signedEvents: boolean;
    lastEventAt: () => Date | null;
  };
  deadLetters: () => SetupStatus['deadLetters'];
  log: Logger;
  /** How long remote answers are reused, so opening the page often costs nothing. Default 60 s. */
  cacheMs?: number;
}

/**
 * Where each integration stands, for the setup page. The remote checks (Slack, UtilityAPI, SendGrid)
 * are asked at most once per `cacheMs`; what relink knows itself (last webhook, counts) is read fresh.
 */
export function createSetupStatus(deps: SetupStatusDeps): () => Promise<SetupStatus> {
  const log = deps.log.child({ component: 'setup-page' });
  const cacheMs = deps.cacheMs ?? 60_000;
  let remote: { at: number; answer: Promise<Remote> } | null = null;

  const remoteChecks = async (): Promise<Remote> => {
    const [slack, utilityapi, sendgrid] = await Promise.all([
      checkSlack(deps.slack, log),
      checkUtilityApi(deps.utilityapi.accounts),
      deps.sendgrid ? checkSendgrid(deps.sendgrid) : null,
    ]);
    return { slack, utilityapi, sendgrid };
  };

  return async () => {
    if (!remote || Date.now() - remote.at > cacheMs) {
      const answer = remoteChecks();
      remote = { at: Date.now(), answer };
      answer.catch((err: unknown) => {
        log.warn({ err }, 'setup checks failed');
        remote = null;
      });
    }
    const found = await remote.answer;
    const { slack: slackDeps, utilityapi, sendgrid } = deps;
    return {
      checkedAt: new Date(),
      publicUrl: deps.publicUrl,
      slack: slackDeps.configured
        ? {
            configured: true,
            transport: slackDeps.transport,
            oauth: slackDeps.oauth,
            connected: slackDeps.connected(),
            workspaces: found.slack,
          }
        : { configured: false, missing: slackDeps.missing },
      utilityapi: {
        accounts: found.utilityapi,
        webhookPath: utilityapi.singleWebhook ? '/webhooks/utilityapi' : null,
        webhookSecretSet: utilityapi.webhookSecretSet,
        lastReconcileAt: utilityapi.lastReconcileAt(),
        lastWebhookAt: utilityapi.lastWebhookAt(),
      },
      sendgrid:
        sendgrid && found.sendgrid
          ? {
              ...found.sendgrid,
              webhookPath: '/webhooks/sendgrid',
              signedEvents: sendgrid.signedEvents,
              lastEventAt: sendgrid.lastEventAt(),
            }
          : null,
      deadLetters: deps.deadLetters(),
    };
  };
}
