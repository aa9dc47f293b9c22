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
