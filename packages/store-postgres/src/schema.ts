import type { ClientBase } from 'pg';

/**
 * The schema's migrations, in order: the schema is at version N once the first N have run.
 * Append new ones; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- Every record of the Store. Keys compare bytewise (COLLATE "C"), as the Store port orders them;
  -- values are JSON text kept as written (json, not jsonb, which refuses \\u0000 in strings).
  CREATE TABLE records (
    key text COLLATE "C" PRIMARY KEY,
    value json NOT NULL
  );

  -- Every inbox's messages, queued (no holder) or leased. seq gives the order of an inbox.
  CREATE TABLE inbox_messages (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inbox text COLLATE "C" NOT NULL,
    message json NOT NULL,
    holder text,
    token bigint,
    exclusive boolean NOT NULL DEFAULT false,
    leased_until timestamptz,
    CHECK ((holder IS NULL) = (token IS NULL))
  );
  CREATE INDEX inbox_queued ON inbox_messages (inbox, seq) WHERE holder IS NULL;
  CREATE INDEX inbox_leased ON inbox_messages (inbox, seq) WHERE holder IS NOT NULL;
  -- An inbox whose messages must run one at a time (a stateful actor's) never has two exclusive leases.
  CREATE UNIQUE INDEX inbox_one_exclusive_lease ON inbox_messages (inbox) WHERE holder IS NOT NULL AND exclusive;

  -- Fencing tokens: each lease gets a new one, so a holder whose lease was taken back cannot ack it.
  CREATE SEQUENCE fencing_tokens;
  `,
  `
  -- Search in SQL (postgres-search.ts): each actor, worker and execution kept a second time as
  -- jsonb (the search column, written with the record), functions that give SQL core's meaning
  -- of a search (search/match.ts), and indexes for searches of executions.

  -- A record as jsonb for search. JSON text PostgreSQL cannot make jsonb of (\\u0000, an unpaired
  -- surrogate) reads as U+FFFD: escaped backslashes are written \\u005c first, so that each \\u
  -- left starts an escape. Any other failure leaves the record without a search value rather
  -- than failing its write.
  CREATE FUNCTION search_doc(value json) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
  DECLARE
    text_ text := value::text;
  BEGIN
    IF strpos(text_, '\\u') > 0 THEN
      text_ := replace(replace(text_, '\\\\', '\\u005c'), '\\u0000', '\\ufffd');
      text_ := regexp_replace(text_, '\\\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\\\u[dD][c-fC-F][0-9a-fA-F]{2})', '\\\\ufffd', 'g');
      text_ := regexp_replace(text_, '(?<!\\\\u[dD][89abAB][0-9a-fA-F]{2})\\\\u[dD][c-fC-F][0-9a-fA-F]{2}', '\\\\ufffd', 'g');
    END IF;
    RETURN text_::jsonb;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END $$;

  ALTER TABLE records ADD COLUMN search jsonb GENERATED ALWAYS AS (
    CASE WHEN starts_with(key, 'a/') OR starts_with(key, 'w/') OR (starts_with(key, 't/') AND split_part(key, '/', 3) = 'exec') THEN search_doc(value) END
  ) STORED;

  -- A JSON value as JavaScript's String() shows it (what like matches); NULL for null or missing.
  CREATE FUNCTION search_text(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  BEGIN
    CASE jsonb_typeof(v)
      WHEN 'object' THEN RETURN '[object Object]';
      WHEN 'array' THEN
        RETURN (SELECT COALESCE(string_agg(COALESCE(search_text(e), ''), ',' ORDER BY n), '') FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, n));
      WHEN 'string', 'number', 'boolean' THEN RETURN v #>> '{}';
      ELSE RETURN NULL;
    END CASE;
  END $$;

  -- Milliseconds since the epoch of a time in the forms search accepts (search/times.ts), after
  -- cutting fractions of seconds to milliseconds as search/match.ts does; NULL when it is none.
  CREATE FUNCTION search_time(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
  DECLARE
    m text[];
    y int; mo int; d int; h int; mi int; s int;
    ms double precision;
    digits text;
    offset_min int;
  BEGIN
    -- the form the engine writes (toISOString) is cut, not captured: a regular expression with
    -- capturing groups costs PostgreSQL about a hundred times more
    IF t ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$' THEN
      m := ARRAY[substr(t, 1, 4), substr(t, 6, 2), substr(t, 9, 2), substr(t, 12, 2), substr(t, 15, 2), substr(t, 18, 2), substr(t, 21, 3), 'Z'];
    END IF;
    m := COALESCE(m, regexp_match(btrim(regexp_replace(t, '\\.(\\d{3})\\d*(Z|[+-]\\d{2}(?::?\\d{2})?)?$', '.\\1\\2'), E' \\t\\n\\r\\f' || chr(11)),
      '^(\\d{4})(?:-(\\d{1,2})(?:-(\\d{1,2})(?:T(\\d{1,2})(?::(\\d{1,2})(?::(\\d{1,2})(?:[:.](\\d{1,6}))?)?)?)?)?)?\\s*(Z|[+\\- ]\\d{2}(?::?\\d{2})?)?$'));
    IF m IS NULL THEN RETURN NULL; END IF;
    y := m[1]::int; mo := COALESCE(m[2], '1')::int; d := COALESCE(m[3], '1')::int;
    h := COALESCE(m[4], '0')::int; mi := COALESCE(m[5], '0')::int; s := COALESCE(m[6], '0')::int;
    IF y < 100 THEN y := y + 1900; END IF; -- as JavaScript's Date.UTC
    IF mo NOT BETWEEN 1 AND 12 OR d < 1 OR d > extract(day from make_date(y, mo, 1) + interval '1 month - 1 day') OR h > 23 OR mi > 59 OR s > 59 THEN RETURN NULL; END IF;
    ms := extract(epoch from make_timestamp(y, mo, d, h, mi, s)) * 1000 + floor(('0.' || COALESCE(m[7], '0'))::double precision * 1000 + 0.5);
    IF m[8] IS NULL OR m[8] = 'Z' THEN RETURN ms; END IF;
    digits := replace(substr(m[8], 2), ':', '');
    offset_min := left(digits, 2)::int * 60 + COALESCE(NULLIF(substr(digits, 3), ''), '0')::int;
    RETURN ms - (CASE WHEN left(m[8], 1) = '-' THEN -1 ELSE 1 END) * offset_min * 60000;
  END $$;

  -- A text as JavaScript's Number() reads it (decimal forms and Infinity); NULL for NaN.
  CREATE FUNCTION search_number(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
  DECLARE
    s text := btrim(t, E' \\t\\n\\r\\f' || chr(11));
  BEGIN
    IF s IS NULL THEN RETURN NULL; END IF;
    IF s = '' THEN RETURN 0; END IF;
    IF s ~ '^[+-]?Infinity$' THEN RETURN CASE WHEN left(s, 1) = '-' THEN '-Infinity' ELSE 'Infinity' END; END IF;
    IF s !~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN RETURN NULL; END IF;
    BEGIN
      RETURN s::double precision;
    EXCEPTION WHEN numeric_value_out_of_range THEN
      RETURN CASE WHEN s ~ '[eE]-' THEN 0 WHEN left(s, 1) = '-' THEN '-Infinity' ELSE 'Infinity' END;
    END;
  END $$;

  -- Executions by tenant, status and receive time, and by tenant, actor and receive time (then
  -- key): a search on statuses, actors and time ranges reads only its range, in the order it returns.
  CREATE INDEX search_executions_by_status ON records (split_part(key, '/', 2), (search ->> 'status'), ((search ->> 'messageReceivedTime') COLLATE "C"), key)
    WHERE starts_with(key, 't/') AND split_part(key, '/', 3) = 'exec';
  CREATE INDEX search_executions_by_actor ON records (split_part(key, '/', 2), split_part(key, '/', 4), ((search ->> 'messageReceivedTime') COLLATE "C"), key)
    WHERE starts_with(key, 't/') AND split_part(key, '/', 3) = 'exec';
  `,
];

/** A schema name that needs no quoting: lower case letters, digits and underscores. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the schema or brings it up to date, under an advisory lock so that nodes starting
 * together migrate it once. Refuses a schema newer than this code.
 */
export async function migrate(client: ClientBase, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`abaco schema ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version`);
    const version = rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new Error(`The PostgreSQL schema ${schema} is at version ${version}, newer than this Abaco knows (${MIGRATIONS.length}): upgrade Abaco.`);
    }
    await client.query(`SET LOCAL search_path TO ${schema}`);
    for (const migration of MIGRATIONS.slice(version)) await client.query(migration);
    if (rows.length === 0) await client.query(`INSERT INTO schema_version VALUES ($1)`, [MIGRATIONS.length]);
    else await client.query(`UPDATE schema_version SET version = $1`, [MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}
