export { MemoryConnectionRegistry, type TopicChange } from './memory-connection-registry.ts';
export { MemoryIngestChannelStore } from './memory-ingest-channel-store.ts';
export { MemoryStream } from './memory-stream.ts';
