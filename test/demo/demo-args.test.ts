import { DemoUsageError, parseDemoArgs } from '../../src/demo/demo-args';

describe('parseDemoArgs', () => {
  it('reads --email in both spellings', () => {
    expect(parseDemoArgs(['--email', 'me@sunny.example'])).toEqual({
      command: 'post',
      email: 'me@sunny.example',
    });
    expect(parseDemoArgs(['--email=me@sunny.example'])).toEqual({
      command: 'post',
      email: 'me@sunny.example',
    });
  });

  it('reads --clean alone', () => {
    expect(parseDemoArgs(['--clean'])).toEqual({ command: 'clean' });
    expect(() => parseDemoArgs(['--clean', '--email', 'me@sunny.example'])).toThrow(DemoUsageError);
  });

  it('asks for an address when --email is missing or not an address, with the usage', () => {
    expect(() => parseDemoArgs([])).toThrow(/--email is required[\s\S]*usage: npm run demo/);
    expect(() => parseDemoArgs(['--email', 'not-an-address'])).toThrow(/not an email address/);
    expect(() => parseDemoArgs(['--email', 'me@sunny.example', '--loud'])).toThrow(/unknown argument --loud/);
  });
});
