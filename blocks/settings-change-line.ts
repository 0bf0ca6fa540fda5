import type { WhoMayAct } from '../src/domain/workspace';
import { WHO_MAY_ACT_WORDS } from './settings-view';
import type { SlackMessage } from './slack-message';
import { mention, slackDayAndTime } from './text';

/** A Settings save that changed what the team relies on: where alerts go, who may act, the data feed. */
export interface SettingsChangeFacts {
  userId: string;
  at: Date;
  /** The alert channel after the save, when the save moved it. */
  alertChannel?: string;
  whoMayAct?: WhoMayAct;
  utilityApi?: 'connected' | 'replaced';
}

/**
 * The one line the alert channel gets when someone changes where alerts go, who may act or the
 * UtilityAPI connection: who, what and when, so a change nobody expected is seen by the team. Never a
 * token or secret: the connection is named, not shown.
 */
export function settingsChangeLine(facts: SettingsChangeFacts): SlackMessage | null {
  const what: string[] = [];
  if (facts.alertChannel) what.push(`alerts now go to <#${facts.alertChannel}>`);
  if (facts.whoMayAct) {
    const group = facts.whoMayAct.kind === 'usergroup' ? ` (<!subteam^${facts.whoMayAct.usergroupId}>)` : '';
    what.push(`who may act: ${WHO_MAY_ACT_WORDS[facts.whoMayAct.kind].toLowerCase()}${group}`);
  }
  if (facts.utilityApi === 'connected') what.push('UtilityAPI connected');
  if (facts.utilityApi === 'replaced') what.push('UtilityAPI token and webhook secret replaced');
  if (what.length === 0) return null;
  const line = `:gear: ${mention(facts.userId)} changed relink's Settings ${slackDayAndTime(facts.at)}: ${what.join('; ')}.`;
  return {
    text: `${mention(facts.userId)} changed relink's Settings: ${what.join('; ')}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
}
