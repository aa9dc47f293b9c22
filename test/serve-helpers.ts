import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export const ABACO_BIN = fileURLToPath(new URL('../packages/cli/bin/run.js', import.meta.url));

export interface Server {
  child: ChildProcess;
  url: string;
  /** Lines printed on stdout so far. */
  lines: string[];
  /** What was printed on stderr so far (warnings). */
  stderr(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Waits for a starting server's "listening on" line; keeps what it prints. Rejects if it exits first. */
export async function listening(child: ChildProcess, name: string): Promise<{ url: string; lines: string[]; stderr: () => string; exited: Promise<number | null> }> {
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${name} exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  return { url, lines, stderr: () => stderr, exited };
}

/** Starts `abaco serve` as a subprocess and waits for its "listening on" line. */
export async function startServe(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, [ABACO_BIN, 'serve', '--port', '0', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const { url, lines, stderr, exited } = await listening(child, 'abaco serve');
  return {
    child,
    url,
    lines,
    stderr,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** One call to a server's API with a bearer token (and a form body); the status and the parsed JSON envelope. */
export async function call(url: string, token: string, method: 'GET' | 'POST' | 'DELETE', path: string, form?: Record<string, string>): Promise<{ status: number; json: any }> {
  const response = await request(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.statusCode, json: await response.body.json() };
}

/** Polls `check` every 100 ms until it answers something truthy, and returns that; fails after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | false | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await check();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
