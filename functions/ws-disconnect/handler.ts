/** Composition root of the plugin `$disconnect` route. */
import { createObservability } from '../lib/observability.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);

export const handler = makeHandler(createObservability('ws-disconnect', config.logLevel));
