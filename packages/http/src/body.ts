import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './envelope.js';

/** An `application/octet-stream` body, streamed to a temporary file (messages may be 500 MB). */
export class UploadedFile {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {}
}

/** A body of a content type the API does not parse (upstream then tries it as JSON). */
export class RawText {
  constructor(readonly text: string) {}
}

/**
 * Body parsers: JSON (Fastify's), form-encoded (a key given twice becomes a list, as `hints=a&hints=b`),
 * octet-stream to a temporary file, and anything else as text.
 */
export function registerBodyParsers(app: FastifyInstance, limits: { maxBodyBytes: number; maxMessageBytes: number; maxConcurrentUploads: number; uploadIdleMs: number }): void {
  let uploading = 0;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: limits.maxBodyBytes }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body as string)) {
      const had = out[key];
      out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
    done(null, out);
  });
  app.addContentTypeParser('application/octet-stream', { bodyLimit: limits.maxMessageBytes }, async (request: FastifyRequest) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limits.maxMessageBytes) throw new HttpError(413, `Message exceeds max content length of: ${limits.maxMessageBytes}`);
    if (uploading >= limits.maxConcurrentUploads) throw new HttpError(503, `Too many binary messages are being uploaded at once (at most ${limits.maxConcurrentUploads}); try again shortly.`);
    uploading++;
    try {
      return await spool(request, limits.maxMessageBytes, limits.uploadIdleMs);
    } finally {
      uploading--;
    }
  });
  app.removeContentTypeParser('text/plain'); // text is read by the catch-all below, as upstream reads it
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limits.maxBodyBytes }, (_req, body, done) => done(null, new RawText(body as string)));
  app.addHook('onResponse', (request, _reply, done) => {
    if (!(request.body instanceof UploadedFile)) return done();
    rm(join(request.body.path, '..'), { recursive: true, force: true }).then(() => done(), done);
  });
}

/** Streams a request's body to a file of a new temporary folder, refusing it past `max` bytes or when it stalls. */
async function spool(request: FastifyRequest, max: number, idleMs: number): Promise<UploadedFile> {
  const dir = await mkdtemp(join(tmpdir(), 'abaco-upload-'));
  const path = join(dir, 'body');
  let size = 0;
  let idle: NodeJS.Timeout | undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, next) {
      idle?.refresh();
      size += chunk.length;
      if (size > max) next(new HttpError(413, `Message exceeds max content length of: ${max}`));
      else next(null, chunk);
    },
  });
  idle = setTimeout(() => counter.destroy(new HttpError(408, `The upload sent nothing for ${idleMs / 1000} s and was dropped.`)), idleMs);
  try {
    await pipeline(request.raw, counter, createWriteStream(path));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  } finally {
    clearTimeout(idle);
  }
  return new UploadedFile(path, size);
}

/** A JSON or form body as an object; anything else is refused with a message naming what was expected. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (body instanceof RawText) {
    try {
      const parsed: unknown = JSON.parse(body.text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // refused below
    }
    throw new HttpError(400, 'The body must be a JSON object (Content-Type: application/json) or a form (application/x-www-form-urlencoded).');
  }
  if (typeof body !== 'object' || Array.isArray(body) || body instanceof UploadedFile) {
    throw new HttpError(400, 'The body must be a JSON object (Content-Type: application/json) or a form (application/x-www-form-urlencoded).');
  }
  return body as Record<string, unknown>;
}

/** Any JSON value: a parsed JSON body, a form as an object, or text that parses as JSON. */
export function jsonBody(body: unknown): unknown {
  if (body instanceof UploadedFile) throw new HttpError(400, 'The body must be JSON, not bytes.');
  if (!(body instanceof RawText)) return body;
  try {
    return JSON.parse(body.text);
  } catch {
    throw new HttpError(400, 'Invalid actor state description: state must be JSON serializable.');
  }
}
