import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SLACK_CONTRACT } from '../../src/slack/manifest-contract';
import { SlackPath } from '../../src/slack/receivers';

/*
 * Every manifest relink ships is checked against SLACK_CONTRACT (what the code registers and needs) and
 * against Slack's manifest schema limits (github.com/slackapi/manifest-schema, schema 1.0.0).
 * No YAML library is a dependency, so a small reader below handles the subset the manifests use and
 * refuses everything else, rather than guessing at what Slack would read.
 */

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
interface Line {
  number: number;
  indent: number;
  text: string;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$/;

function scalar(text: string, line: Line): Yaml {
  const fail = (why: string): never => {
    throw new Error(`line ${line.number}: ${why}: ${text}`);
  };
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) fail('unterminated double-quoted string');
    return JSON.parse(text) as string; // the escapes relink might use (\" \\ \n \uXXXX) mean the same in JSON
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) fail('unterminated single-quoted string');
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (/^[[\]{}&*!|>%@`#,?-]/.test(text) || text.includes(' #') || text.includes(': ')) {
    fail('unsupported plain value, quote it');
  }
  if (/^(yes|no|on|off|y|n)$/i.test(text)) fail('ambiguous boolean, write true/false or quote it');
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^[-+.\d][\d._eE+-]*$/.test(text)) fail('unsupported number, quote it');
  return text;
}

/** Reads block mappings and indented block sequences of scalars or mappings; throws on anything else. */
function readYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tabs are not allowed`);
    lines.push({ number: i + 1, indent: raw.length - raw.trimStart().length, text: raw.trim() });
  });
  let pos = 0;
  const fail = (line: Line, why: string): never => {
    throw new Error(`line ${line.number}: ${why}: ${line.text}`);
  };

  const node = (indent: number): Yaml =>
    lines[pos]?.text.startsWith('- ') ? sequence(indent) : mapping(indent);

  const mapping = (indent: number): Yaml => {
    const map: Record<string, Yaml> = {};
    for (let line = lines[pos]; line && line.indent >= indent; line = lines[pos]) {
      if (line.indent > indent) fail(line, 'unexpected indentation');
      const match = KEY.exec(line.text) ?? fail(line, 'expected "key: value" (lists must be indented)');
      const [, key = '', rest] = match;
      if (key in map) fail(line, `duplicate key ${key}`);
      pos += 1;
      const next = lines[pos];
      if (rest !== undefined && rest !== '') map[key] = scalar(rest, line);
      else map[key] = next && next.indent > indent ? node(next.indent) : null;
    }
    return map;
  };

  const sequence = (indent: number): Yaml => {
    const list: Yaml[] = [];
    for (let line = lines[pos]; line && line.indent >= indent; line = lines[pos]) {
      if (line.indent > indent || !line.text.startsWith('- ')) fail(line, 'expected "- item"');
      const item = line.text.slice(1).trimStart();
      if (KEY.test(item)) {
        // "- key: value" opens a mapping whose later keys line up under "key".
        lines[pos] = { ...line, indent: indent + line.text.indexOf(item), text: item };
        list.push(mapping(indent + line.text.indexOf(item)));
      } else {
        pos += 1;
        list.push(scalar(item, line));
      }
    }
    return list;
  };

  if (lines.length === 0) return null;
  const root = node(0);
  const rest = lines[pos];
  if (rest) fail(rest, 'unexpected indentation');
  return root;
}

// Limits from Slack's manifest schema; strict objects so a misspelt key fails instead of being ignored.
const requestUrl = z
  .string()
  .regex(/^https?:\/\//, 'must be an http(s) URL')
  .max(3000);
const Manifest = z.strictObject({
  _metadata: z.strictObject({ major_version: z.number().int(), minor_version: z.number().int() }).optional(),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
      .optional(),
    long_description: z.string().min(175).max(4000).optional(),
  }),
  features: z.strictObject({
    app_home: z.strictObject({
      home_tab_enabled: z.boolean(),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean().optional(),
    }),
    bot_user: z.strictObject({
      display_name: z.string().min(1).max(80),
      always_online: z.boolean().optional(),
    }),
    slash_commands: z
      .array(
        z.strictObject({
          command: z.string().min(2).max(32).regex(/^\//),
          url: requestUrl.optional(),
          description: z.string().min(1).max(2000),
          usage_hint: z.string().min(1).max(1000).optional(),
          should_escape: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
  oauth_config: z.strictObject({
    redirect_urls: z.array(z.string().max(2500)).optional(),
    scopes: z.strictObject({ bot: z.array(z.string().max(50)).max(255) }),
  }),
  settings: z.strictObject({
    event_subscriptions: z.strictObject({
      request_url: requestUrl.optional(),
      bot_events: z.array(z.string().max(50)).max(100),
    }),
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: requestUrl.optional() }),
    org_deploy_enabled: z.boolean().optional(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean().optional(),
  }),
});
type Manifest = z.infer<typeof Manifest>;

const ROOT = resolve(__dirname, '../..');
const MANIFEST_FILES = [
  'slack-manifest.yml',
  ...readdirSync(join(ROOT, 'manifests'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `manifests/${f}`),
];

const cache = new Map<string, Manifest>();
function manifest(file: string): Manifest {
  const cached = cache.get(file);
  if (cached) return cached;
  const result = Manifest.safeParse(readYaml(readFileSync(join(ROOT, file), 'utf8')));
  if (!result.success)
    throw new Error(`${file} breaks Slack's manifest schema:\n${z.prettifyError(result.error)}`);
  cache.set(file, result.data);
  return result.data;
}

const sorted = (values: readonly string[]) => [...values].sort();

const requestUrls = (m: Manifest) => [
  ...m.features.slash_commands.map((c) => c.url),
  m.settings.event_subscriptions.request_url,
  m.settings.interactivity.request_url,
];

describe.each(MANIFEST_FILES)('%s', (file) => {
  it("fits Slack's manifest schema and its length limits", () => {
    expect(() => manifest(file)).not.toThrow();
  });

  it('declares exactly the slash commands relink registers', () => {
    const commands = manifest(file).features.slash_commands.map((c) => c.command);
    expect(sorted(commands)).toEqual(sorted(SLACK_CONTRACT.commands));
  });

  it('subscribes to exactly the bot events relink handles', () => {
    expect(sorted(manifest(file).settings.event_subscriptions.bot_events)).toEqual(
      sorted(SLACK_CONTRACT.botEvents),
    );
  });

  it('turns interactivity on, for the notice buttons and the reauth modals', () => {
    expect(manifest(file).settings.interactivity.is_enabled).toBe(SLACK_CONTRACT.interactivity);
  });

  it('requests exactly the bot scopes in the contract, and no user scopes', () => {
    expect(sorted(manifest(file).oauth_config.scopes.bot)).toEqual(sorted(SLACK_CONTRACT.scopes));
  });

  it('shows the Home tab and hides the Messages tab, which relink does not read', () => {
    expect(manifest(file).features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: false,
    });
  });

  it('routes every request the way its mode needs', () => {
    const m = manifest(file);
    if (m.settings.socket_mode_enabled) {
      expect(requestUrls(m).filter(Boolean)).toEqual([]);
      expect(m.oauth_config.redirect_urls ?? []).toEqual([]);
      return;
    }
    const urls = requestUrls(m).map((u) => new URL(u ?? 'missing:'));
    expect(urls.map((u) => `${u.protocol}${u.pathname}`)).toEqual(
      urls.map(() => `https:${SlackPath.events}`),
    );
    expect(new Set(urls.map((u) => u.host)).size).toBe(1);
    const redirects = (m.oauth_config.redirect_urls ?? []).map((u) => new URL(u));
    expect(redirects.map((u) => `${u.protocol}//${u.host}${u.pathname}`)).toEqual([
      `https://${urls[0]?.host}${SlackPath.oauthRedirect}`,
    ]);
  });
});

describe('the shipped manifests', () => {
  it('slack-manifest.yml is for Socket Mode and manifests/production.yml for HTTP', () => {
    expect(manifest('slack-manifest.yml').settings.socket_mode_enabled).toBe(true);
    expect(manifest('manifests/production.yml').settings.socket_mode_enabled).toBe(false);
  });

  it('describe the same app: name, description, Home tab, bot user, command texts and scopes', () => {
    const visible = (m: Manifest) => ({
      display: m.display_information,
      home: m.features.app_home,
      bot: m.features.bot_user,
      commands: m.features.slash_commands.map(({ url: _url, ...rest }) => rest),
      scopes: m.oauth_config.scopes,
      events: m.settings.event_subscriptions.bot_events,
    });
    const [first, ...others] = MANIFEST_FILES.map((f) => visible(manifest(f)));
    for (const other of others) expect(other).toEqual(first);
  });
});

describe('readYaml (the manifests test’s reader)', () => {
  it('reads nested mappings, indented lists of values and of mappings, quotes, booleans and numbers', () => {
    const source = [
      '# comment',
      'a:',
      '  b: plain text/with:colons',
      '  "n": 1', // not a plain key: refused below
    ].join('\n');
    expect(() => readYaml(source)).toThrow(/line 4/);
    expect(
      readYaml(
        [
          'top:',
          '  list:',
          '    - chat:write',
          "    - 'it''s'",
          '  items:',
          '    - command: /reauth',
          '      usage_hint: "[a | b]"',
          '    - command: /other',
          '  enabled: true',
          '  count: 2',
          '  empty:',
        ].join('\n'),
      ),
    ).toEqual({
      top: {
        list: ['chat:write', "it's"],
        items: [{ command: '/reauth', usage_hint: '[a | b]' }, { command: '/other' }],
        enabled: true,
        count: 2,
        empty: null,
      },
    });
  });

  it('refuses what it cannot read faithfully instead of guessing', () => {
    expect(() => readYaml('a: [x, y]')).toThrow(/quote it/);
    expect(() => readYaml('a: x # note')).toThrow(/quote it/);
    expect(() => readYaml('a: yes')).toThrow(/ambiguous/);
    expect(() => readYaml('a:\n- x')).toThrow(/lists must be indented/);
    expect(() => readYaml('a: 1\na: 2')).toThrow(/duplicate/);
    expect(() => readYaml('a:\n\tb: 1')).toThrow(/tabs/);
  });
});
