import { StringDecoder } from 'node:string_decoder';
import type { LogChunk } from './runtime.js';

/**
 * Splits the multiplexed output stream of the Docker API (and Podman's, which speaks the same) into
 * log chunks: frames of an 8-byte header (stream 1 stdout or 2 stderr, three zero bytes, a 32-bit
 * big-endian size) and their payload. Frames may arrive cut anywhere; UTF-8 is decoded per stream.
 */
export class DockerStreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  push(data: Buffer): LogChunk[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const chunks: LogChunk[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const text = this.decoders[stream].write(this.pending.subarray(8, 8 + size));
      if (text) chunks.push({ stream, text });
      this.pending = this.pending.subarray(8 + size);
    }
    return chunks;
  }
}
