import { Abaco, ProcessRuntime, type ContainerRuntime } from '@abaco/core';
import { buildServer } from '@abaco/http';
import { pino } from 'pino';
import type { Test } from 'tap';
import { AbacoClient } from '../src/index.js';

/** Images of the process runtime besides the built-in function runner: results that are not a runner's. */
const images: Record<string, string[]> = {
  'test/forged-results': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(os.environ["FORGED"].encode(), os.environ["ABACO_ROOT"] + "/_abaco_results.sock")'],
};

export interface ExecutorServer {
  abaco: Abaco;
  /** A client of a user with the privileged role (who may set maxWorkers). */
  client: AbacoClient;
  /** A client of an admin of the tenant (who sees every worker). */
  admin: AbacoClient;
}

/** A real server on a loopback port over `runtime` (default: the process runtime with its built-in images). */
export async function executorServer(t: Test, runtime: ContainerRuntime = new ProcessRuntime({ images })): Promise<ExecutorServer> {
  const abaco = await Abaco.open({
    runtime,
    logger: pino({ level: 'error' }),
    settings: { cronIntervalMs: 0, workerPollMs: 200 },
  });
  const app = await buildServer(abaco, {
    tokens: {
      'carol-token': { user: 'carol', tenant: 'TACC', roles: ['privileged'] },
      'root-token': { user: 'root', tenant: 'TACC', roles: ['admin'] },
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  return {
    abaco,
    client: new AbacoClient({ url, credentials: { token: 'carol-token' } }),
    admin: new AbacoClient({ url, credentials: { token: 'root-token' } }),
  };
}
