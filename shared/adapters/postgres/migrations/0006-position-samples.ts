import type { Migration } from './migration.ts';

/**
 * `positions` events keep their players' numbers as one JSON text in `n` (see
 * `shared/domain/events/stored-form.ts`). This view gives the samples back as typed rows, one per
 * player and event, for SQL users (heatmaps, routes), and reads the rows stored before the
 * numbers were packed (`p: [[steamId, x, y, z, yaw, health, armor, alive, weapon]…]`) as well.
 */
export const positionSamples: Migration = {
  version: 6,
  name: 'position_samples view: positions as typed rows',
  sql: `
CREATE VIEW position_samples AS
SELECT e.ts, e.match_id, e.round_number, e.phase, e.is_post_round, e.server_id, e.session, e.seq, e.idx,
       r.ord::int AS player_index,
       r.value ->> 0 AS steam_id,
       CASE WHEN s.n IS NULL THEN (r.value ->> 1)::float8 ELSE (s.n ->> s.at)::float8 END AS x,
       CASE WHEN s.n IS NULL THEN (r.value ->> 2)::float8 ELSE (s.n ->> (s.at + 1))::float8 END AS y,
       CASE WHEN s.n IS NULL THEN (r.value ->> 3)::float8 ELSE (s.n ->> (s.at + 2))::float8 END AS z,
       CASE WHEN s.n IS NULL THEN (r.value ->> 4)::float8 ELSE (s.n ->> (s.at + 3))::float8 END AS yaw,
       CASE WHEN s.n IS NULL THEN (r.value ->> 5)::int ELSE (s.n ->> (s.at + 4))::int END AS health,
       CASE WHEN s.n IS NULL THEN (r.value ->> 6)::int ELSE (s.n ->> (s.at + 5))::int END AS armor,
       CASE WHEN s.n IS NULL THEN (r.value ->> 7)::boolean ELSE (s.n ->> (s.at + 6))::int = 1 END AS alive,
       CASE WHEN s.n IS NULL THEN r.value ->> 8 ELSE r.value ->> 1 END AS weapon
  FROM game_events e
 CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'p') WITH ORDINALITY AS r(value, ord)
 CROSS JOIN LATERAL (SELECT (e.payload ->> 'n')::jsonb AS n, (r.ord::int - 1) * 7 AS at) AS s
 WHERE e.type = 'positions';
`,
};
