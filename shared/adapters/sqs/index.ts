export {
  DEAD_LETTER_FORMAT,
  type DeadLetterMessage,
  type DecodedDeadLetter,
  type DecodeResult,
  decodeDeadLetter,
  encodeDeadLetter,
  MAX_REASON_CHARS,
  SQS_MAX_MESSAGE_BYTES,
} from './dead-letter-message.ts';
export { createSqsClient } from './sqs-client.ts';
export {
  type ReceivedDeadLetter,
  type ReceiveOptions,
  SqsDeadLetterReader,
} from './sqs-dead-letter-reader.ts';
export {
  type SendMessageBatchClient,
  SqsDeadLetterSink,
  type SqsDeadLetterSinkOptions,
} from './sqs-dead-letter-sink.ts';
