import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ActionId, BlockId, CallbackId } from '../../src/slack/ids';

/**
 * The rules of STYLE.md §1, §4 and §13 that a reviewer would otherwise have to catch by eye, for
 * test/architecture.test.ts to run over every `.ts` file in `src/` and `blocks/`. Files are parsed with
 * the TypeScript compiler, so comments, regex literals and strings never pass for imports or ids.
 */

export interface Source {
  /** Relative to the repository root, with `/`. */
  file: string;
  text: string;
}

/** The marker a file over MAX_LINES must carry in its first lines, followed by the reason. */
const LONG_FILE_MARKER = /^\/\/ Longer than 250 lines because \S/;
export const MAX_LINES = 250;
const MARKER_WITHIN_LINES = 10;

/** Packages a `src/domain` file may import, each with why it is pure. None is needed today. */
const DOMAIN_PACKAGES = new Map<string, string>();

/** Prefixes of outbox, audit-event and notice ids; only src/domain/record-ids.ts builds them. */
const RECORD_ID_PREFIXES = ['request:', 'reply:', 'incident:', 'warning:'];
export const RECORD_IDS = 'src/domain/record-ids.ts';

export const SLACK_IDS = 'src/slack/ids.ts';
const ID_PROPERTIES = new Set(['action_id', 'block_id', 'callback_id']);
const ID_LISTENERS = new Set(['action', 'view', 'options', 'shortcut', 'command']);
/** Slack id values that are also words of relink's own data, where a literal is not an id. */
const SHARED_WORDS = new Map([['request_queued', 'also the kind of a notice thread reply']]);

const inside = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);
const insideAny = (file: string, folders: string[]) => folders.some((folder) => inside(file, folder));

interface Import {
  spec: string;
  /** The imported path relative to the repository root (no extension added); null for a package. */
  target: string | null;
}

interface ImportRule {
  rule: string;
  appliesTo: string[];
  /** Files or folders inside `appliesTo` the rule leaves out. */
  except?: string[];
  forbids: (i: Import) => boolean;
}

/** The composition root: the only files that build the flows and hand their starts to services. */
const COMPOSITION = ['src/main.ts', 'src/services.ts', 'src/slack/slack-wiring.ts'];

const IMPORT_RULES: ImportRule[] = [
  {
    rule: 'src/domain imports only src/domain',
    appliesTo: ['src/domain'],
    forbids: (i) => (i.target === null ? !DOMAIN_PACKAGES.has(i.spec) : !inside(i.target, 'src/domain')),
  },
  {
    rule: 'services and stores do not import src/slack or blocks',
    appliesTo: ['src/reauth', 'src/home', 'src/ingest', 'src/store'],
    forbids: (i) => i.target !== null && insideAny(i.target, ['src/slack', 'blocks']),
  },
  {
    rule: 'what runs next is said in src/flows; only the composition root wires it',
    appliesTo: ['src', 'blocks'],
    except: ['src/flows', ...COMPOSITION],
    forbids: (i) =>
      i.target !== null && insideAny(i.target, ['src/flows/flows', 'src/flows/bodies', 'src/flows/coalesce']),
  },
  {
    rule: 'blocks do not import src/store',
    appliesTo: ['blocks'],
    forbids: (i) => i.target !== null && inside(i.target, 'src/store'),
  },
];

const parse = (s: Source) => ts.createSourceFile(s.file, s.text, ts.ScriptTarget.ES2022, true);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** `import … from`, `export … from`, `import '…'`, `require('…')`, `import('…')` and `import('…').T`. */
function importsOf(s: Source): Import[] {
  const specs: string[] = [];
  walk(parse(s), (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const callee = node.expression;
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads && first && ts.isStringLiteralLike(first)) specs.push(first.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) specs.push(node.argument.literal.text);
    }
  });
  return specs.map((spec) => ({
    spec,
    target: spec.startsWith('.') ? path.posix.join(path.posix.dirname(s.file), spec) : null,
  }));
}

export function importViolations(s: Source): string[] {
  const applies = (r: ImportRule) => insideAny(s.file, r.appliesTo) && !insideAny(s.file, r.except ?? []);
  return IMPORT_RULES.filter(applies).flatMap((r) =>
    importsOf(s)
      .filter(r.forbids)
      .map((i) => `${s.file} imports '${i.spec}' (${r.rule})`),
  );
}

export function sizeViolations(s: Source): string[] {
  const lines = s.text.split('\n');
  const count = s.text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (count <= MAX_LINES) return [];
  if (lines.slice(0, MARKER_WITHIN_LINES).some((l) => LONG_FILE_MARKER.test(l))) return [];
  return [`${s.file} has ${count} lines and no "// Longer than 250 lines because …" in its first lines`];
}

const SLACK_ID_VALUES = new Map<string, string>(
  Object.entries({ ActionId, BlockId, CallbackId }).flatMap(([group, ids]) =>
    Object.entries(ids).map(([key, value]): [string, string] => [value, `${group}.${key}`]),
  ),
);

/** Hand-built record ids and Slack ids typed as literals, each as `file:line: what`. */
export function idViolations(s: Source): string[] {
  const found: string[] = [];
  const sf = parse(s);
  const at = (node: ts.Node) => `${s.file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  walk(sf, (node) => {
    const text = ts.isStringLiteralLike(node)
      ? node.text
      : ts.isTemplateExpression(node)
        ? node.head.text
        : null;
    // A literal type ('utility' | 'note') names a field, not an id.
    if (text === null || ts.isLiteralTypeNode(node.parent)) return;
    const prefix = RECORD_ID_PREFIXES.find((p) => text.startsWith(p));
    if (prefix && s.file !== RECORD_IDS)
      found.push(`${at(node)}: builds a '${prefix}…' id by hand (use ${RECORD_IDS})`);
    if (s.file === SLACK_IDS) return;
    const id = SLACK_ID_VALUES.get(text);
    if (id && ts.isStringLiteralLike(node) && !SHARED_WORDS.has(text))
      found.push(`${at(node)}: '${text}' typed by hand (use ${id})`);
    const parent = node.parent;
    const named =
      ts.isPropertyAssignment(parent) &&
      parent.initializer === node &&
      (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)) &&
      ID_PROPERTIES.has(parent.name.text);
    const listened =
      ts.isCallExpression(parent) &&
      parent.arguments[0] === node &&
      ts.isPropertyAccessExpression(parent.expression) &&
      ID_LISTENERS.has(parent.expression.name.text);
    if (named || listened) found.push(`${at(node)}: a Slack id written out (use ${SLACK_IDS})`);
  });
  return found;
}

export const check = (sources: Source[], rule: (s: Source) => string[]) => sources.flatMap(rule);

export function projectSources(): Source[] {
  const root = path.resolve(__dirname, '../..');
  return ['src', 'blocks'].flatMap((folder) =>
    readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
      .map((name) => {
        const file = path.posix.join(folder, name.split(path.sep).join('/'));
        return { file, text: readFileSync(path.join(root, file), 'utf8') };
      }),
  );
}
