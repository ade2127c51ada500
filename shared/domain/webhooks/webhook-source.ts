/** The match plugins whose webhooks (`matchzy_remote_log_url`, `get5_remote_log_url`) Geqo accepts. */
export const WEBHOOK_SOURCES = ['matchzy', 'get5'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

export function isWebhookSource(value: string): value is WebhookSource {
  return (WEBHOOK_SOURCES as readonly string[]).includes(value);
}
