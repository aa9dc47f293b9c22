import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Abaco } from '@abaco/core';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { pino } from 'pino';
import type { Test } from 'tap';
import { buildServer } from '../src/server.js';
import type { ServerOptions } from '../src/options.js';

/** An engine in memory, without a runtime, closed when the test ends. */
export async function engine(t: Test): Promise<Abaco> {
  const abaco = await Abaco.open({ logger: pino({ level: 'silent' }) });
  t.teardown(() => abaco.close());
  return abaco;
}

export interface Answer {
  status: number;
  message: string;
  result: any;
}

/** The server over a fresh engine, called in process with `inject()`. */
export async function api(t: Test, options: ServerOptions = {}) {
  const app = await buildServer(await engine(t), options);
  t.teardown(() => app.close());
  return {
    async call(headers: Record<string, string>, method: 'GET' | 'POST' = 'GET', url = '/actors/v2', payload?: object): Promise<Answer> {
      const response = await app.inject({ method, url, headers, payload });
      const body = response.json();
      return { status: response.statusCode, message: body.message, result: body.result };
    },
  };
}

/** An RSA key pair: the private key signs, the public one is given as PEM and as a JWK. */
export async function rsaKeys(kid?: string): Promise<{ privateKey: KeyLike; pem: string; jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, pem: await exportSPKI(publicKey), jwk: { ...(await exportJWK(publicKey)), ...(kid ? { kid } : {}), alg: 'RS256', use: 'sig' } };
}

/** A JWT with these claims, signed RS256 (with `kid` in its header when given) or HS256 with a secret. */
export function sign(claims: JWTPayload, key: KeyLike | string, kid?: string): Promise<string> {
  const secret = typeof key === 'string';
  return new SignJWT(claims).setProtectedHeader({ alg: secret ? 'HS256' : 'RS256', ...(kid ? { kid } : {}) }).sign(secret ? Buffer.from(key) : key);
}

/** `exp` one hour from now, in seconds. */
export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** A JWKS server on 127.0.0.1 that counts the requests it gets; `answer` says what it serves. */
export async function jwksServer(t: Test, answer: (res: ServerResponse, req: IncomingMessage) => void): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    answer(res, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, requests: () => requests };
}
