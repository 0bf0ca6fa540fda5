import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'info', pretty: false }, stream), lines };
};

describe('the logger', () => {
  it('removes tokens, secrets and authorization headers', () => {
    const { log, lines } = capture();
    log.info(
      {
        token: 'xoxb-secret-1',
        config: { apiKey: 'SG.secret-2', secret: 's3' },
        headers: { authorization: 'Bearer t4' },
      },
      'configured',
    );
    const line = lines.join('');
    for (const secret of ['xoxb-secret-1', 'SG.secret-2', 's3', 'Bearer t4'])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line).config.apiKey).toBe('[Redacted]');
  });

  it('masks customer emails, domain included, keeping only the first letters and the TLD', () => {
    const { log, lines } = capture();
    log.info({ email: 'jane.doe@example.com', customer: { email: 'bob@utility.org' } }, 'reauth requested');
    const entry = JSON.parse(lines.join(''));
    expect(entry.email).toBe('j***@e***.com');
    expect(entry.customer.email).toBe('b***@u***.org');
    expect(lines.join('')).not.toContain('jane.doe@');
  });
});
