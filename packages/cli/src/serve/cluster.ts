import { hostname } from 'node:os';
import { SecretBox, type Bus, type Inbox, type Leadership, type Store } from '@abaco/core';
import { PostgresBus, PostgresDatabase, PostgresInbox, PostgresLeadership, PostgresStore } from '@abaco/store-postgres';

/** What an engine of a cluster runs on: the shared store, inbox and bus, and the leadership. */
export interface ClusterParts {
  store: Store;
  inbox: Inbox;
  bus: Bus;
  leadership: Leadership;
  /** The store as the start lines show it (no password). */
  shown: string;
}

/**
 * The id of this node: `--node-id`, else the host name and the port (with a port chosen by the
 * system, unknown before the server listens, the process id in its place).
 */
export function nodeIdOf(given: string | undefined, port: number): string {
  return given ?? `${hostname()}:${port === 0 ? `pid${process.pid}` : port}`;
}

/**
 * Connects to the PostgreSQL store `--store` names (`postgres://user@host:port/db`, with
 * `?schema=NAME` for a schema other than `abaco`), creating or migrating its schema, and seeks the
 * leadership; notifications between the nodes are sealed with their shared `secretKey`. Each part closes with the engine; the store, last, closes the database.
 */
export async function openCluster(url: string, nodeId: string, secretKey: string, onError: (error: Error) => void): Promise<ClusterParts> {
  const { connectionString, schema, shown } = parseStoreUrl(url);
  const db = await PostgresDatabase.connect(connectionString, { schema, onError });
  try {
    const bus = await PostgresBus.listen(db, { secretKey });
    const leadership = await PostgresLeadership.start(db, { nodeId });
    return { store: new PostgresStore(db, true), inbox: new PostgresInbox(db), bus, leadership, shown };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * Makes sure every node of a cluster seals config secrets with the same key: the first node leaves
 * a value sealed with its key in the store, and a node whose key cannot open it is refused.
 */
export async function checkSecretKey(store: Store, secretKey: string, keyFile: string): Promise<void> {
  const box = new SecretBox(secretKey);
  const sealed = (await store.update<string>('meta/secret-key-check', (current) => current ?? box.seal('abaco')))!;
  try {
    box.open(sealed);
  } catch {
    throw new Error(`This node's secret key (${keyFile}) is not the one the other nodes of this store use: copy secret.key from another node's data directory (or give every node the same "secretKey" setting).`);
  }
}

/** Splits `?schema=` off a store URL and checks that it is a PostgreSQL one. */
function parseStoreUrl(url: string): { connectionString: string; schema?: string; shown: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`--store ${url.replace(/\/\/[^@/]*@/, '//***@')}: expected postgres://user@host:port/database (the only store besides the embedded one, which is the default).`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  return { connectionString, schema, shown: `${parsed.toString()} (schema ${schema ?? 'abaco'})` };
}
