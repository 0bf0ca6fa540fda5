import type { Route } from './server';

/** A gauge relink reports: a name, a help line, and how to read its current value. */
export interface Gauge {
  name: string;
  help: string;
  read: () => Promise<number>;
}

/**
 * `GET /metrics` in the Prometheus text format. Gauges are read on each scrape, so the numbers are
 * what the database holds now (the backlog that matters when Slack or SendGrid is down).
 */
export function metricsRoute(deps: { gauges: Gauge[] }): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      const lines: string[] = [];
      for (const gauge of deps.gauges) {
        const value = await gauge.read().catch(() => Number.NaN);
        lines.push(
          `# HELP ${gauge.name} ${gauge.help}`,
          `# TYPE ${gauge.name} gauge`,
          `${gauge.name} ${value}`,
        );
      }
      const body = `${lines.join('\n')}\n`;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(body);
    },
  };
}
