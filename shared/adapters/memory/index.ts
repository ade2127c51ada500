export { MemoryConnectionRegistry } from './memory-connection-registry.ts';
export { MemoryStream } from './memory-stream.ts';
