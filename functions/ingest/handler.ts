/** Composition root of the plugin `$default` route: config -> stream producer -> FrameIngestor. */
import { FrameIngestor } from '@geqo/shared/app/ingest';
import { createObservability } from '../lib/observability.ts';
import { createStreamProducer } from '../lib/stream-producer.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('ingest', config.logLevel);

export const handler = makeHandler({
  ingestor: new FrameIngestor({
    producer: await createStreamProducer(config.stream, 'geqo-ingest'),
    stream: config.rawStream,
    logger,
    metrics,
  }),
  logger,
  metrics,
});
