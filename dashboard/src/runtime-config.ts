/**
 * Where the dashboard finds the platform. `geqo up` serves the page, the REST API and `/ws` on
 * one origin; on AWS the page is on CloudFront and `/config.json` (written by the CDK app) names
 * the REST API and the dashboard WebSocket API.
 */
import type { Endpoints } from './app.ts';

interface RuntimeConfigFile {
  apiUrl?: unknown;
  dashboardWsUrl?: unknown;
}

function sameOrigin(): Endpoints {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { apiUrl: '', socketUrl: `${scheme}//${location.host}/ws` };
}

export async function loadEndpoints(): Promise<Endpoints> {
  const endpoints = sameOrigin();
  try {
    const response = await fetch('/config.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) return endpoints;
    const config = (await response.json()) as RuntimeConfigFile;
    if (typeof config.apiUrl === 'string' && config.apiUrl !== '')
      endpoints.apiUrl = config.apiUrl.replace(/\/+$/, '');
    if (typeof config.dashboardWsUrl === 'string' && config.dashboardWsUrl !== '') {
      endpoints.socketUrl = config.dashboardWsUrl;
    }
  } catch {
    // No config: everything is on this origin.
  }
  return endpoints;
}
