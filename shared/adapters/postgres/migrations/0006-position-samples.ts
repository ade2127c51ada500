import type { Migration } from './migration.ts';

/**
 * `positions` events keep each player's numbers in one string (see
 * `shared/domain/events/stored-form.ts`): 3 jsonb values a player instead of 9. This view gives
 * the samples back as typed rows, one per player and event, for SQL users (heatmaps, routes), and
 * reads the rows stored before the numbers were packed as well.
 */
export const positionSamples: Migration = {
  version: 6,
  name: 'position_samples view: positions as typed rows',
  sql: `
CREATE VIEW position_samples AS
SELECT e.ts, e.match_id, e.round_number, e.phase, e.is_post_round, e.server_id, e.session, e.seq, e.idx,
       s.row ->> 0 AS steam_id,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 1), '')::float8 ELSE (s.row ->> 1)::float8 END AS x,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 2), '')::float8 ELSE (s.row ->> 2)::float8 END AS y,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 3), '')::float8 ELSE (s.row ->> 3)::float8 END AS z,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 4), '')::float8 ELSE (s.row ->> 4)::float8 END AS yaw,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 5), '')::int ELSE (s.row ->> 5)::int END AS health,
       CASE WHEN s.packed THEN nullif(split_part(s.row ->> 1, ',', 6), '')::int ELSE (s.row ->> 6)::int END AS armor,
       CASE WHEN s.packed THEN CASE split_part(s.row ->> 1, ',', 7) WHEN '1' THEN true WHEN '0' THEN false END
            ELSE (s.row ->> 7)::boolean END AS alive,
       CASE WHEN s.packed THEN s.row ->> 2 ELSE s.row ->> 8 END AS weapon
  FROM game_events e
 CROSS JOIN LATERAL (
   SELECT r.value AS row, jsonb_typeof(r.value -> 1) = 'string' AS packed
     FROM jsonb_array_elements(e.payload -> 'p') AS r(value)
 ) AS s
 WHERE e.type = 'positions';
`,
};
