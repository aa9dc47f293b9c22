import mqemitter, { type MQEmitter } from 'mqemitter';
import type { Bus } from './bus.js';

/** The embedded Bus: mqemitter, in this process. (mqemitter-redis gives the same across processes.) */
export class MqemitterBus implements Bus {
  private readonly emitter: MQEmitter;

  constructor(emitter?: MQEmitter) {
    this.emitter = emitter ?? mqemitter({ concurrency: 0 });
  }

  publish(topic: string, payload: unknown): Promise<void> {
    return new Promise((resolve, reject) =>
      this.emitter.emit({ topic, payload }, (err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  async subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>> {
    const listener = (message: { topic: string; payload?: unknown }, done: () => void) => {
      try {
        handler(message.payload);
      } finally {
        done();
      }
    };
    await new Promise<void>((resolve) => this.emitter.on(topic, listener, () => resolve()));
    return () => new Promise<void>((resolve) => this.emitter.removeListener(topic, listener, () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.emitter.close(() => resolve()));
  }
}
