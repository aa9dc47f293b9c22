import type { Test } from 'tap';
import { request as undiciRequest } from 'undici';
import { pino } from 'pino';
import { Abaco, ProcessRuntime, type AbacoOptions, type Settings } from '@abaco/core';
import { startServer, type ServerOptions } from '@abaco/http';

/** Shell commands standing in for images: the process runtime runs them as host processes. */
export const images: Record<string, string[]> = {
  'abacosamples/wc': ['sh', '-c', 'echo "Number of words is: $(printf %s "$MSG" | wc -w)"'],
  'test/env': ['sh', '-c', 'env | sort'],
  'test/sleep': ['sh', '-c', 'echo started; sleep 30'],
  'test/fail': ['sh', '-c', 'echo failing; exit 3'],
  'test/binary': ['sh', '-c', 'd=$(mktemp); cat "$ABACO_ROOT/_abaco_binary_data" > $d; wc -c < $d | tr -d " "; rm $d'],
  'test/results': ['python3', '-c', 'import os, socket\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b"\\x00\\x01binary result", os.environ["ABACO_ROOT"] + "/_abaco_results.sock")\nprint("sent")'],
};

export const tokens = {
  alice: { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  bob: { user: 'bob', tenant: 'TACC', roles: ['user' as const] },
  root: { user: 'root', tenant: 'TACC', roles: ['admin' as const] },
  eve: { user: 'eve', tenant: 'OTHER', roles: ['user' as const] },
};
export type Who = keyof typeof tokens;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  /** The parsed JSON envelope (undefined for non-JSON answers). */
  json: { message: string; result: any; status: string; version: string } | undefined;
}

export interface CallOptions {
  as?: Who;
  json?: unknown;
  form?: Record<string, string | string[]>;
  bytes?: Buffer;
  raw?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export interface Api {
  url: string;
  abaco: Abaco;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
}

/** A real server on a random loopback port over an engine that runs actors as processes. */
export async function startApi(t: Test, config: { settings?: Partial<Settings>; server?: ServerOptions; engine?: AbacoOptions } = {}): Promise<Api> {
  const abaco = await Abaco.open({
    runtime: new ProcessRuntime({ images }),
    logger: pino({ level: 'error' }),
    ...config.engine,
    settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 200, ...config.settings },
  });
  const tokenMap = Object.fromEntries(Object.entries(tokens).map(([name, user]) => [`${name}-token`, user]));
  const { app, url } = await startServer(abaco, { port: 0, tokens: tokenMap, ...config.server });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  return {
    url,
    abaco,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.as) headers.authorization = `Bearer ${options.as}-token`;
      let body: string | Buffer | undefined;
      if (options.json !== undefined) (body = JSON.stringify(options.json)), (headers['content-type'] = 'application/json');
      if (options.form) {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(options.form)) for (const one of ([] as string[]).concat(v)) form.append(k, one);
        (body = form.toString()), (headers['content-type'] = 'application/x-www-form-urlencoded');
      }
      if (options.bytes) (body = options.bytes), (headers['content-type'] = 'application/octet-stream');
      if (options.raw) (body = options.raw.body), (headers['content-type'] = options.raw.contentType);
      const response = await undiciRequest(`${url}${path}`, { method: method as 'GET', headers, body });
      const bytes = Buffer.from(await response.body.arrayBuffer());
      const text = bytes.toString();
      const type = String(response.headers['content-type'] ?? '');
      return { status: response.statusCode, headers: response.headers, text, bytes, json: type.includes('json') ? JSON.parse(text) : undefined };
    },
  };
}

/** Polls an execution over HTTP until it is COMPLETE or ERROR. */
export async function finishedOverHttp(api: Api, actorId: string, executionId: string, as: Who = 'alice'): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { json } = await api.call('GET', `/actors/v2/${actorId}/executions/${executionId}`, { as });
    const status = json?.result?.status;
    if (status === 'COMPLETE' || status === 'ERROR') return json!.result;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
