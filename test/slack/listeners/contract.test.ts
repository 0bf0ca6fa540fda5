import type { App } from '@slack/bolt';
import { registerListeners } from '../../../src/slack/listeners';
import type { ListenerDeps } from '../../../src/slack/listeners/types';
import { SLACK_CONTRACT } from '../../../src/slack/manifest-contract';
import { silentLog } from '../../support/silent-log';

/**
 * The other half of the manifest check: every command and event the manifests declare has a
 * listener, and no listener waits for a command or event the manifests do not deliver.
 */
describe('registerListeners against the Slack contract', () => {
  const registered = { commands: [] as string[], events: [] as string[], interactive: 0 };
  const recorder = {
    use: () => undefined,
    command: (name: string) => registered.commands.push(name),
    event: (name: string) => registered.events.push(name),
    action: () => registered.interactive++,
    view: () => registered.interactive++,
  };
  // Registration only builds and stores the callbacks; none runs here, so only the logger is touched.
  registerListeners(
    recorder as unknown as App,
    { log: silentLog(), clock: () => new Date() } as ListenerDeps,
  );

  it('handles exactly the slash commands the manifests declare', () => {
    expect([...registered.commands].sort()).toEqual([...SLACK_CONTRACT.commands].sort());
  });

  it('handles exactly the bot events the manifests subscribe to', () => {
    expect([...registered.events].sort()).toEqual([...SLACK_CONTRACT.botEvents].sort());
  });

  it('has interactive listeners only because the manifests turn interactivity on', () => {
    expect(registered.interactive > 0).toBe(SLACK_CONTRACT.interactivity);
  });
});
