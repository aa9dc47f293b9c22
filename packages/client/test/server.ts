import { Abaco, ProcessRuntime, type Settings } from '@abaco/core';
import { buildServer, type ServerOptions } from '@abaco/http';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Test } from 'tap';
import { AbacoClient } from '../src/index.js';
import type { ClientOptions } from '../src/transport.js';

/** Shell commands standing in for images: the process runtime runs them as host processes. */
const images: Record<string, string[]> = {
  'test/wc': ['sh', '-c', 'echo "Number of words is: $(printf %s "$MSG" | wc -w)"'],
  'test/env': ['sh', '-c', 'echo "GREETING=$GREETING TYPE=$_abaco_Content_Type"'],
  'test/sleep': ['sh', '-c', 'echo started; sleep 30'],
  'test/binary': ['sh', '-c', 'wc -c < "$ABACO_ROOT/_abaco_binary_data" | tr -d " "'],
  'test/results': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b"\\x00\\x01result of " + os.environ.get("MSG", "").encode(), os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\nprint("sent")'],
};

export const users = {
  alice: { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  bob: { user: 'bob', tenant: 'TACC', roles: ['user' as const] },
  root: { user: 'root', tenant: 'TACC', roles: ['admin' as const] },
};
export type User = keyof typeof users;

export interface Served {
  url: string;
  abaco: Abaco;
  app: FastifyInstance;
  /** A client of the server as a user (by bearer token), or with the options given. */
  client(as: User | Omit<ClientOptions, 'url'>): AbacoClient;
}

/**
 * A real server on a random loopback port over an engine that runs actors as processes. `before`
 * may add hooks to the server before it listens.
 */
export async function serve(t: Test, config: { server?: ServerOptions; settings?: Partial<Settings>; before?: (app: FastifyInstance) => void } = {}): Promise<Served> {
  const abaco = await Abaco.open({
    runtime: new ProcessRuntime({ images }),
    logger: pino({ level: 'error' }),
    settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 200, secretKey: '0'.repeat(64), ...config.settings },
  });
  const tokens = Object.fromEntries(Object.entries(users).map(([name, user]) => [`${name}-token`, user]));
  const app = await buildServer(abaco, { tokens, ...config.server });
  config.before?.(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  const client = (as: User | Omit<ClientOptions, 'url'>) => new AbacoClient(typeof as === 'string' ? { url: address, credentials: { token: `${as}-token` } } : { url: address, ...as });
  return { url: address, abaco, app, client };
}
