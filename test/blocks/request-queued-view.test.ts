import { requestQueuedView } from '../../blocks/request-queued-view';
import { allText } from '../support/block-kit';
import { viewProblems } from '../support/block-kit-validator';

describe('requestQueuedView', () => {
  it('says the request is queued and where to follow it, with a close button only', () => {
    const view = requestQueuedView({ customerName: 'Jane Doe', email: 'jane@example.com' });
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Done');
    const text = allText(view.blocks);
    expect(text).toContain('*Jane Doe* (jane@example.com) is queued');
    expect(text).toContain("The notice in the channel will show when it's sent.");
    expect(viewProblems(view)).toEqual([]);
  });

  it('escapes the name', () => {
    const text = allText(requestQueuedView({ customerName: '<!here>', email: 'a@b.co' }).blocks);
    expect(text).not.toContain('<!here>');
  });
});
