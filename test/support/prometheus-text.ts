/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: any line it does not
 * understand fails the test instead of being skipped. Stricter than Prometheus itself in one way:
 * every sample must belong to a family declared by `# TYPE` before it.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and Inf in any case
// (prom-client writes `Nan` for an event-loop lag not measured yet).
const VALUE = String.raw`[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[nN][aA][nN]|[iI][nN][fF])`;
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (${VALUE})(?: -?[0-9]+)?$`);
const LABEL_PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(?:,|$)`);
const SUFFIXES: Record<MetricFamily['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL_PAIR.exec(rest);
    if (!match?.[1] || match[2] === undefined) throw new Error(`line ${line}: bad labels {${text}}`);
    if (match[1] in labels) throw new Error(`line ${line}: label ${match[1]} twice`);
    labels[match[1]] = match[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    rest = rest.slice(match[0].length);
  }
  return labels;
}

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower.endsWith('nan')) return Number.NaN;
  if (lower.endsWith('inf')) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const helps = new Map<string, string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw === '') return;
      const help = HELP_LINE.exec(raw);
      if (help?.[1] && help[2] !== undefined) {
        if (helps.has(help[1])) throw new Error(`line ${line}: second HELP for ${help[1]}`);
        helps.set(help[1], help[2]);
        return;
      }
      const type = TYPE_LINE.exec(raw);
      if (type?.[1] && type[2]) {
        if (families.has(type[1])) throw new Error(`line ${line}: second TYPE for ${type[1]}`);
        const kind = type[2] as MetricFamily['type'];
        families.set(type[1], { name: type[1], help: helps.get(type[1]) ?? '', type: kind, samples: [] });
        return;
      }
      if (raw.startsWith('#')) throw new Error(`line ${line}: unknown comment: ${raw}`);
      const sample = SAMPLE_LINE.exec(raw);
      if (!sample?.[1] || !sample[3]) throw new Error(`line ${line}: not a sample: ${raw}`);
      const name = sample[1];
      const family = [...families.values()].find((f) =>
        SUFFIXES[f.type].some((suffix) => `${f.name}${suffix}` === name),
      );
      if (!family) throw new Error(`line ${line}: sample ${name} has no TYPE before it`);
      family.samples.push({ name, labels: parseLabels(sample[2] ?? '', line), value: parseValue(sample[3]) });
    });
  return families;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return undefined;
}
