import type { Registry } from 'prom-client';
import type { Route } from './server';

/**
 * `GET /metrics` in the Prometheus text format, straight from the registry built in src/main.ts.
 * Every value is in memory (counters, histograms, and backlog gauges counted on a timer), so a
 * scrape costs no database read however often it comes.
 */
export function metricsRoute(deps: { registry: Registry }): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      const body = await deps.registry.metrics();
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(body);
    },
  };
}
