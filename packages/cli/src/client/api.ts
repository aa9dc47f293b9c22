import { createReadStream, statSync } from 'node:fs';
import { request } from 'undici';
import type { Profile } from './profile.js';

/** An error answered by the server (its message) or met on the way to it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type Body = { json: unknown } | { form: Record<string, string | string[]> } | { file: string };

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  /** The envelope's result, for JSON answers. */
  result: any;
  message: string;
}

/** A client of the Abaco API: one profile, every call under `/actors/v2`. */
export class Api {
  constructor(private readonly profile: Profile) {}

  get url(): string {
    return this.profile.url;
  }

  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: { body?: Body; query?: Record<string, string> } = {}): Promise<Answer> {
    const query = new URLSearchParams(options.query);
    if (this.profile.nonce) query.set('x-nonce', this.profile.nonce);
    const target = `${this.profile.url}/actors/v2${path}${query.size ? `?${query}` : ''}`;
    const headers: Record<string, string> = {};
    if (this.profile.token) headers.authorization = `Bearer ${this.profile.token}`;
    let body: string | NodeJS.ReadableStream | undefined;
    const given = options.body;
    if (given && 'json' in given) (headers['content-type'] = 'application/json'), (body = JSON.stringify(given.json));
    if (given && 'form' in given) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(given.form)) for (const one of ([] as string[]).concat(v)) form.append(k, one);
      (headers['content-type'] = 'application/x-www-form-urlencoded'), (body = form.toString());
    }
    if (given && 'file' in given) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(statSync(given.file).size);
      body = createReadStream(given.file);
    }
    let response;
    try {
      response = await request(target, { method, headers, body: body as never });
    } catch (e) {
      throw new ApiError(`Could not reach the Abaco server at ${this.profile.url}: ${(e as Error).message}`);
    }
    const bytes = Buffer.from(await response.body.arrayBuffer());
    const isJson = String(response.headers['content-type'] ?? '').includes('json');
    const envelope = isJson ? (JSON.parse(bytes.toString()) as { message?: string; result?: unknown }) : undefined;
    if (response.statusCode >= 400) {
      throw new ApiError(envelope?.message ?? `The server answered ${response.statusCode}: ${bytes.toString().slice(0, 200)}`, response.statusCode);
    }
    return { status: response.statusCode, headers: response.headers, bytes, result: envelope?.result, message: envelope?.message ?? '' };
  }
}
