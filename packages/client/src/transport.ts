import { AbacoError, errorFor, type FailedRequest } from './errors.js';

/** Who the client is: a bearer token, a Tapis v3 token, or a nonce (sent as `?x-nonce=`). */
export type Credentials = { token: string } | { tapisToken: string } | { nonce: string } | Record<string, never>;

export interface ClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The identity every request carries (none by default). */
  credentials?: Credentials;
  /** The prefix of the API: `/actors/v2` (default), `/actors` or `/v3/actors`. */
  prefix?: string;
  /** How many times a GET, PUT or DELETE is tried again after no answer or a 429, 502, 503 or 504 (default 3). Never a POST. */
  retries?: number;
  /** The wait before the first retry, in ms (default 200); it doubles each time (at most 5 s), with jitter, or follows Retry-After. */
  retryDelayMs?: number;
  /** The fetch to use (default the global one: undici's in Node, the browser's). */
  fetch?: typeof fetch;
  /**
   * Told of every JSON answer that succeeded, as the server shows it (before the client turns its
   * keys into camelCase): for tools that print the server's answer itself, like the CLI's `--json`.
   */
  onAnswer?: (answer: Envelope<unknown>) => void;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

/** One request of the API, by its path under the prefix. */
export interface Call {
  method: Method;
  path: string;
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** A binary body (`application/octet-stream`). */
  bytes?: Uint8Array | ArrayBuffer | Blob;
  /** The kinds of answer asked for (default JSON, octet-stream or text). */
  accept?: string;
  /** Stops the request (and the reading of its answer). */
  signal?: AbortSignal;
}

/** The envelope of a JSON answer, as the client reads it. */
export interface Envelope<T> {
  message: string;
  result: T;
  metadata?: Record<string, unknown>;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
const MAX_DELAY_MS = 5000;

/** Requests of the API over fetch: identity, errors as {@link AbacoError}s, and retries of idempotent requests. */
export class Transport {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}${options.prefix ?? '/actors/v2'}`;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Sends a request and answers with the response (2xx), after retries; any other answer is thrown. */
  async send(call: Call): Promise<Response> {
    const url = this.url(call);
    const request: FailedRequest = { method: call.method, url: url.replace(/([?&]x-nonce=)[^&]*/, '$1***') };
    const init = this.init(call);
    const tries = call.method === 'POST' ? 1 : 1 + (this.options.retries ?? 3);
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, init);
      } catch (cause) {
        call.signal?.throwIfAborted();
        if (attempt < tries) {
          await this.pause(attempt);
          continue;
        }
        throw new AbacoError(`Could not reach the Abaco server at ${this.options.url}: ${(cause as Error).message}`, undefined, request, { cause });
      }
      if (response.ok) return this.observed(response);
      if (attempt < tries && RETRIED_STATUSES.has(response.status)) {
        await response.body?.cancel();
        await this.pause(attempt, response.headers.get('retry-after'));
        continue;
      }
      throw errorFor(response.status, await refusal(response), request);
    }
  }

  /** Sends a request whose answer is the JSON envelope, and reads it. */
  async envelope<T>(call: Call): Promise<Envelope<T>> {
    const response = await this.send(call);
    const body = (await response.json()) as Envelope<T>;
    return { message: body.message, result: body.result, ...(body.metadata ? { metadata: body.metadata } : {}) };
  }

  /** The result of a request's envelope. */
  async result<T>(call: Call): Promise<T> {
    return (await this.envelope<T>(call)).result;
  }

  /** The response, after `onAnswer` has read a copy of it (JSON answers only). */
  private async observed(response: Response): Promise<Response> {
    if (!this.options.onAnswer || !response.headers.get('content-type')?.includes('json')) return response;
    const body = (await response.clone().json()) as Envelope<unknown>;
    this.options.onAnswer({ message: body.message, result: body.result, ...(body.metadata ? { metadata: body.metadata } : {}) });
    return response;
  }

  private url(call: Call): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.append(key, String(value));
    const credentials = this.options.credentials ?? {};
    if ('nonce' in credentials) query.set('x-nonce', credentials.nonce);
    const search = query.toString();
    return `${this.base}${call.path}${search ? `?${search}` : ''}`;
  }

  private init(call: Call): RequestInit {
    const headers: Record<string, string> = { accept: call.accept ?? 'application/json, application/octet-stream, text/plain' };
    const credentials = this.options.credentials ?? {};
    if ('token' in credentials) headers.authorization = `Bearer ${credentials.token}`;
    if ('tapisToken' in credentials) headers['x-tapis-token'] = credentials.tapisToken;
    let body: RequestInit['body'];
    if (call.json !== undefined) (headers['content-type'] = 'application/json'), (body = JSON.stringify(call.json));
    if (call.bytes !== undefined) (headers['content-type'] = 'application/octet-stream'), (body = call.bytes as RequestInit['body']);
    return { method: call.method, headers, body, ...(call.signal ? { signal: call.signal } : {}) };
  }

  private pause(attempt: number, retryAfter?: string | null): Promise<void> {
    const asked = Number(retryAfter);
    const backoff = Math.min(MAX_DELAY_MS, (this.options.retryDelayMs ?? 200) * 2 ** (attempt - 1));
    const ms = retryAfter && Number.isFinite(asked) ? Math.min(MAX_DELAY_MS, asked * 1000) : backoff / 2 + Math.random() * (backoff / 2);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** The server's message for a refusal: its envelope's, else the start of its text. */
async function refusal(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: a proxy's page, say
  }
  return `The server answered ${response.status}: ${text.slice(0, 200)}`;
}
