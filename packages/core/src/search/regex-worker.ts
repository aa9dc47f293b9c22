import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the worker thread runs: compile each pattern with RE2 (re2js, the last 16 kept), then test it on its texts. */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { RE2JS } = require(${JSON.stringify(createRequire(import.meta.url).resolve('re2js'))});
parentPort.postMessage('ready');
const compiled = new Map();
const compile = (pattern) => {
  let re = compiled.get(pattern);
  if (re === undefined) {
    if (compiled.size >= 16) compiled.clear();
    compiled.set(pattern, (re = RE2JS.compile(pattern)));
  }
  return re;
};
parentPort.on('message', ({ patterns, rows }) => {
  const programs = [];
  for (const [index, pattern] of patterns.entries()) {
    try {
      programs.push(compile(pattern));
    } catch (e) {
      parentPort.postMessage({ invalid: { index, message: e.message } });
      return;
    }
  }
  parentPort.postMessage({ found: rows.map((texts) => texts.map((text, i) => text !== null && programs[i].test(text))) });
});
`;

/** The worker's heap: RE2 keeps up to 8 MB of DFA states per pattern, texts come in batches of about 1 MB. */
const WORKER_HEAP_MB = 512;

/** A pattern that RE2 refused, by its place in the request. */
export interface InvalidPattern {
  index: number;
  message: string;
}

/** The answer to a request: which patterns were found in which texts, or the first pattern RE2 refused. */
export type RegexAnswer = { found: boolean[][] } | { invalid: InvalidPattern };

/** A request that the worker did not answer within its time limit: the worker was stopped. */
export class RegexTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`Regular expression matching took more than ${limitMs} ms.`);
    this.name = 'RegexTimeoutError';
  }
}

interface Job {
  patterns: string[];
  rows: (string | null)[][];
  resolve(answer: RegexAnswer): void;
  reject(error: Error): void;
}

/**
 * Regular expressions from users, compiled and matched by RE2 (linear time) in a worker thread, so
 * that neither compiling nor matching ever runs on the event loop. Requests are answered one at a
 * time, in order; one that takes longer than `limitMs` stops the worker (a new one starts for the
 * next request) and is rejected with a {@link RegexTimeoutError}. The thread starts on first use and
 * keeps the process alive only while a request is pending; a request's time starts once RE2 is loaded.
 */
export class RegexWorker {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | undefined;
  private ready = false;

  constructor(private readonly limitMs: number) {}

  /**
   * Tests each pattern on the text in the same column of each row (`null`: no text, not found).
   * `rows` may be empty, to check that the patterns compile.
   */
  match(patterns: string[], rows: (string | null)[][]): Promise<RegexAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ patterns, rows, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.current) return;
    if (this.queue.length === 0) {
      this.worker?.unref();
      return;
    }
    this.worker ??= this.start();
    this.worker.ref();
    if (!this.ready) return; // the worker's 'ready' calls next() again
    const job = this.queue.shift()!;
    const worker = this.worker;
    const timer = setTimeout(() => {
      this.stop(worker);
      this.finish((j) => j.reject(new RegexTimeoutError(this.limitMs)));
    }, this.limitMs);
    this.current = { job, timer };
    worker.postMessage({ patterns: job.patterns, rows: job.rows });
  }

  private start(): Worker {
    this.ready = false;
    const worker = new Worker(SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (answer: RegexAnswer | 'ready') => {
      if (worker !== this.worker) return;
      if (answer !== 'ready') return this.finish((job) => job.resolve(answer));
      this.ready = true;
      this.next();
    });
    const fail = (error: Error) => {
      if (worker !== this.worker) return;
      this.stop(worker);
      for (const job of this.queue.splice(0)) job.reject(error);
      this.finish((job) => job.reject(error));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The regular expression worker stopped (exit code ${code}).`)));
    return worker;
  }

  /** Ends the current job, if any, and goes on with the next. */
  private finish(end: (job: Job) => void): void {
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      end(current.job);
    }
    this.next();
  }

  private stop(worker: Worker): void {
    this.worker = undefined;
    void worker.terminate();
  }
}
