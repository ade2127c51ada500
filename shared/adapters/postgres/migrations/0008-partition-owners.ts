import { PARTITION_FENCED_SQLSTATE } from '../../../ports/errors.ts';
import type { Migration } from './migration.ts';

/**
 * Kafka partition ownership and positions (see `ports/partition-ownership.ts`): one row per
 * `(consumer group, topic, partition)` with the epoch of its last taker and the next offset to
 * read, which every batch moves forward in its own transaction, through
 * `commit_partition_positions`. That procedure updates each row only where the epoch is still the
 * one the batch's reader took; otherwise it raises SQLSTATE GQF01 and the transaction, with
 * everything the batch wrote, is rolled back. The UPDATE holds the row lock until COMMIT, so a
 * worker taking the partition meanwhile waits for the batch and then sees it.
 */
export const partitionOwners: Migration = {
  version: 8,
  name: 'partition_owners: Kafka partition epochs and offsets, checked by every worker batch',
  sql: `
CREATE TABLE partition_owners (
  consumer_group text NOT NULL,
  topic          text NOT NULL,
  partition_id   integer NOT NULL,
  epoch          bigint NOT NULL,
  owner          text NOT NULL,
  next_offset    bigint,
  taken_at       timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition_id)
);

CREATE PROCEDURE commit_partition_positions(p_group text, p_topic text, p_positions jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  f record;
  held bigint;
BEGIN
  FOR f IN
    SELECT * FROM jsonb_to_recordset(p_positions) AS x(partition_id integer, epoch bigint, next_offset bigint)
     ORDER BY partition_id
  LOOP
    UPDATE partition_owners o SET next_offset = f.next_offset, updated_at = now()
     WHERE o.consumer_group = p_group AND o.topic = p_topic AND o.partition_id = f.partition_id
       AND o.epoch = f.epoch;
    IF NOT FOUND THEN
      SELECT o.epoch INTO held FROM partition_owners o
       WHERE o.consumer_group = p_group AND o.topic = p_topic AND o.partition_id = f.partition_id;
      RAISE EXCEPTION 'fenced: partition % of % (group %) is held at epoch %, this write holds epoch %; nothing of it is written',
        f.partition_id, p_topic, p_group, coalesce(held::text, 'none'), f.epoch
        USING ERRCODE = '${PARTITION_FENCED_SQLSTATE}';
    END IF;
  END LOOP;
END $$;
`,
};
