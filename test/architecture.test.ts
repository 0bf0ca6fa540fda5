import {
  check,
  idViolations,
  importViolations,
  MAX_LINES,
  projectSources,
  RECORD_IDS,
  SLACK_IDS,
  type Source,
  sizeViolations,
} from './support/architecture-rules';

// Fails naming the file and the import or line. The rules: src/domain imports only src/domain (no
// packages); src/reauth, src/home, src/ingest and src/store import neither src/slack nor blocks/; blocks/
// imports no src/store; outbox, audit-event and notice ids are built only in src/domain/record-ids.ts, and
// Slack ids only in src/slack/ids.ts; only the composition root (src/main.ts, src/services.ts,
// src/slack/slack-wiring.ts) imports the flows' runner, so no service starts a step by itself; a file over 250 lines starts (within its first 10 lines) with
// `// Longer than 250 lines because <the reason>`.

describe('the architecture checker', () => {
  const sample = (file: string, text: string): Source[] => [{ file, text }];

  it('catches a domain file importing a package, however the import is written', () => {
    const text = [
      "import {\n  Schema,\n  model,\n} from 'mongoose';",
      "export { z } from 'zod';",
      "const fs = require('node:fs');",
      "type Doc = import('../store/models').AuthorizationDocument;",
      "import type { Effect } from './authorization';",
    ].join('\n');
    expect(check(sample('src/domain/policy.ts', text), importViolations)).toEqual([
      "src/domain/policy.ts imports 'mongoose' (src/domain imports only src/domain)",
      "src/domain/policy.ts imports 'zod' (src/domain imports only src/domain)",
      "src/domain/policy.ts imports 'node:fs' (src/domain imports only src/domain)",
      "src/domain/policy.ts imports '../store/models' (src/domain imports only src/domain)",
    ]);
  });

  it('catches a service importing from src/slack or blocks, and blocks importing a store', () => {
    const service = "import type { X } from '../slack/x';\nimport { view } from '../../blocks/home-view';";
    expect(check(sample('src/reauth/reauth-service.ts', service), importViolations)).toEqual([
      "src/reauth/reauth-service.ts imports '../slack/x' (services and stores do not import src/slack or blocks)",
      "src/reauth/reauth-service.ts imports '../../blocks/home-view' (services and stores do not import src/slack or blocks)",
    ]);
    expect(
      check(sample('blocks/v.ts', "import type { N } from '../src/store/notices';"), importViolations),
    ).toEqual(["blocks/v.ts imports '../src/store/notices' (blocks do not import src/store)"]);
  });

  it('catches a service or listener reaching for the flows, which only the composition root wires', () => {
    const text = "import type { Flows } from '../flows/flows';\nimport { STEPS } from '../flows/steps';";
    expect(check(sample('src/reauth/request-sender.ts', text), importViolations)).toEqual([
      "src/reauth/request-sender.ts imports '../flows/flows' (what runs next is said in src/flows; only the composition root wires it)",
    ]);
    expect(check(sample('src/services.ts', text.replaceAll('../', './')), importViolations)).toEqual([]);
  });

  it('ignores imports in comments and strings, and allowed directions', () => {
    const text =
      "// import { App } from '@slack/bolt';\nconst s = \"import x from '../slack/x'\";\nimport '../domain/x';";
    expect(check(sample('src/home/home-service.ts', text), importViolations)).toEqual([]);
  });

  it('catches a long file unless its first lines say why', () => {
    const body = 'export const x = 1;\n'.repeat(MAX_LINES + 1);
    expect(check(sample('src/big.ts', body), sizeViolations)).toEqual([
      'src/big.ts has 251 lines and no "// Longer than 250 lines because …" in its first lines',
    ]);
    const explained = `// Longer than 250 lines because one table must be read whole.\n${body}`;
    expect(check(sample('src/big.ts', explained), sizeViolations)).toEqual([]);
  });

  it('catches hand-built record ids and Slack ids, but not type-level words', () => {
    const text = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a sample file
      'const id = `request:${requestId}:sent`;',
      "const reply = 'reply:' + entryId;",
      "const button = { type: 'button', action_id: 'retry_send' };",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a sample file
      "const input = { 'block_id': `${BlockId.note}` };",
      "app.view('brand_new_modal', handler);",
      "type Field = 'utility' | 'note';",
      '// `incident:<entry id>` is built in record-ids',
    ].join('\n');
    expect(check(sample('src/x.ts', text), idViolations)).toEqual([
      "src/x.ts:1: builds a 'request:…' id by hand (use src/domain/record-ids.ts)",
      "src/x.ts:2: builds a 'reply:…' id by hand (use src/domain/record-ids.ts)",
      "src/x.ts:3: 'retry_send' typed by hand (use ActionId.retrySend)",
      'src/x.ts:3: a Slack id written out (use src/slack/ids.ts)',
      'src/x.ts:4: a Slack id written out (use src/slack/ids.ts)',
      'src/x.ts:5: a Slack id written out (use src/slack/ids.ts)',
    ]);
  });
});

describe('relink', () => {
  const sources = projectSources();

  it('has source files to check', () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining([SLACK_IDS, RECORD_IDS]));
  });

  it('keeps dependencies pointing one way (STYLE.md §1)', () => {
    expect(check(sources, importViolations)).toEqual([]);
  });

  it('builds record ids and Slack ids only in their modules (STYLE.md §4)', () => {
    expect(check(sources, idViolations)).toEqual([]);
  });

  it('keeps files under 250 lines or says why (STYLE.md §13)', () => {
    expect(check(sources, sizeViolations)).toEqual([]);
  });
});
