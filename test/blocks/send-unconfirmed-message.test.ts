import { SEND_AGAIN_LABEL, sendUnconfirmedReply } from '../../blocks/send-unconfirmed-message';
import { ActionId } from '../../src/slack/ids';
import { retrySendValue } from '../../src/slack/metadata';
import { allText, findButton } from '../support/block-kit';
import { messageProblems } from '../support/block-kit-validator';

describe('sendUnconfirmedReply', () => {
  const reply = sendUnconfirmedReply({
    requestId: '65f0c0ffee65f0c0ffee65f0',
    sentTo: 'jane.doe@example.com',
  });

  it('says plainly that relink could not confirm the email, and that it may have arrived', () => {
    expect(reply.text).toContain('relink could not confirm that the reauthorization email');
    expect(allText(reply.blocks)).toContain('may or may not have it');
    expect(messageProblems(reply)).toEqual([]);
  });

  it('offers one click to send it again, for this request', () => {
    const button = findButton(reply.blocks, ActionId.sendAgain);
    expect(button?.text.text).toBe(SEND_AGAIN_LABEL);
    expect(retrySendValue.decode(button?.value ?? '')).toEqual({
      v: 1,
      requestId: '65f0c0ffee65f0c0ffee65f0',
    });
  });

  it('never shows the full customer email', () => {
    expect(JSON.stringify(reply)).not.toContain('jane.doe@example.com');
    expect(reply.text).toContain('j***@');
  });
});
