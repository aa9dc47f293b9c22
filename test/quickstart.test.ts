import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { listening } from './serve-helpers.js';

// Runs the commands of the README's "Set up" section as written, in a fresh folder, against the
// server its first block starts, on a machine where no container engine answers; and checks that
// each prints what the README's `# → ...` lines under it show.

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The address the README's commands use; the test's server listens on a free port instead. */
const README_URL = 'http://127.0.0.1:8000';

/** A command of the README, and what the `# → ` lines under it show it prints (null: not shown). */
interface Step {
  command: string;
  shown: string | null;
}

/** The README's "Set up" section, and the lines of each of its ```sh blocks. */
function setUpSection(): { text: string; blocks: string[][] } {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const text = /^## Set up\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!text) throw new Error('README.md has no "## Set up" section');
  return { text, blocks: [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd().split('\n')) };
}

/** The commands of a block, each with the output lines shown under it. */
function steps(lines: string[]): Step[] {
  const steps: Step[] = [];
  for (const line of lines) {
    const shown = /^# → ?(.*)$/.exec(line);
    const step = steps.at(-1);
    if (!shown) steps.push({ command: line, shown: null });
    else if (!step) throw new Error(`README: "${line}" shows the output of no command`);
    else step.shown = step.shown === null ? shown[1]! : `${step.shown}\n${shown[1]}`;
  }
  return steps;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The command with the test server's address, and the ids that earlier outputs gave for its placeholders. */
function fill(command: string, bound: Map<string, string>, url: string): string {
  return command.replaceAll(README_URL, url).replace(/<([a-z_]+)>/g, (_, name: string) => {
    const value = bound.get(name);
    if (value === undefined) throw new Error(`README: "${command}" uses <${name}> before an output shows it`);
    return value;
  });
}

/**
 * Whether `output` is what `shown` says (`…` stands for any text, `<name>` for an id, which must
 * equal the one bound earlier, else is bound here).
 */
function matches(output: string, shown: string, bound: Map<string, string>, url: string): boolean {
  const fresh: string[] = [];
  const pattern = shown
    .replaceAll(README_URL, url)
    .split(/(…|<[a-z_]+>)/)
    .map((part) => {
      if (part === '…') return '[\\s\\S]*?';
      const name = /^<([a-z_]+)>$/.exec(part)?.[1];
      if (!name) return escape(part);
      if (bound.has(name)) return escape(bound.get(name)!);
      fresh.push(name);
      return '([^\\s"]+)';
    })
    .join('');
  const m = new RegExp(`^${pattern}$`).exec(output.trimEnd());
  if (!m) return false;
  fresh.forEach((name, i) => bound.set(name, m[i + 1]!));
  return true;
}

/** A shell session, as in a terminal: commands run one after the other and keep its variables. */
class Shell {
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr = '';
  private readonly mark = `__quickstart_${randomBytes(6).toString('hex')}`;
  private notify: () => void = () => {};

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('sh', [], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => ((this.stdout += d), this.notify()));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
  }

  /** Runs one command line; resolves with what it printed and its exit code. */
  async run(command: string): Promise<{ output: string; stderr: string; code: number }> {
    this.stdout = this.stderr = '';
    this.child.stdin!.write(`${command}\nprintf '\\n${this.mark} %s\\n' "$?"\n`);
    const done = new RegExp(`\\n${this.mark} (\\d+)\\n`);
    for (let m = done.exec(this.stdout); ; m = done.exec(this.stdout)) {
      if (m) return { output: this.stdout.slice(0, m.index), stderr: this.stderr, code: Number(m[1]) };
      await new Promise<void>((resolve) => (this.notify = resolve));
    }
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** Starts a command line of the README that runs the server; resolves once it prints "listening on". */
async function startServer(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const { url, lines, stderr, exited } = await listening(child, command);
  return {
    url,
    lines,
    stderr,
    /** Stops npx and the server it started (their process group). */
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** A read that may be asked again until its answer is complete (the logs of an execution still running). */
const isRead = (command: string) => /^curl /.test(command) && !/ (-d|-X|--data\S*) /.test(command);

t.test("the README's quickstart runs as written, and prints what the README shows, with no container engine", async (t) => {
  const { text, blocks } = setUpSection();
  const [setup, ...quickstart] = blocks;
  t.ok(setup && quickstart.length >= 2, 'the section has the set-up block, then the curl and CLI blocks');

  // The first line installs, builds and serves; this test's run has installed and built the checkout.
  const parts = setup![0]!.replace(/\s+#.*$/, '').split('&&').map((part) => part.trim());
  t.same(parts.slice(0, -1), ['npm ci', 'npm run build'], 'before serving: install and build');
  t.match(parts.at(-1), /^npx abaco serve\b/);
  t.match(text, `\`listening on ${README_URL}\``, 'the README says what the server prints when ready');

  const dir = mkdtempSync(join(tmpdir(), 'abaco-quickstart-'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules')); // `npx abaco` resolves as in the checkout
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Engines that do not answer (CI has real ones at DOCKER_HOST and CONTAINER_HOST): `auto` falls back.
    DOCKER_HOST: `unix://${dir}/no-docker.sock`,
    CONTAINER_HOST: `unix://${dir}/no-podman.sock`,
    XDG_CONFIG_HOME: join(dir, 'config'),
    npm_config_offline: 'true', // npx never fetches a package named abaco from the registry
    npm_config_update_notifier: 'false',
  };
  for (const name of ['ABACO_URL', 'ABACO_TOKEN', 'ABACO_ADMIN_TOKEN', 'ABACO_PROFILE']) delete env[name];
  // The README's command, on a free port rather than 8000 (the commands below are given the address).
  const server = await startServer(`${parts.at(-1)} --port 0`, dir, env);
  const shells: Shell[] = [];
  t.teardown(async () => {
    for (const shell of shells) shell.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.ok(
    server.lines.some((line) => line.startsWith('runtime: process (host processes, no isolation); images: abacosamples/wc, abacosamples/test, jstubbs/abaco_test, abacosamples/sleep_loop')),
    'the server says it runs host processes, and the built-in images',
  );

  for (const block of quickstart) {
    const shell = new Shell(dir, env); // each block from a terminal of its own; ids bound within the block
    shells.push(shell);
    const bound = new Map<string, string>();
    for (const { command, shown } of steps(block)) {
      const line = fill(command, bound, server.url);
      let ran = await shell.run(line);
      for (const deadline = Date.now() + 20_000; shown !== null && isRead(command) && !matches(ran.output, shown, new Map(bound), server.url) && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 200));
        ran = await shell.run(line);
      }
      const name = command.replace(/\s+#.*$/, '');
      t.equal(ran.code, 0, `${name}: exits with 0`, { stderr: ran.stderr });
      if (shown !== null) t.ok(matches(ran.output, shown, bound, server.url), `${name}: prints what the README shows`, { found: ran.output, wanted: shown });
    }
  }
  t.match(server.stderr(), /actors run as host processes, with NO ISOLATION: no container engine is reachable/, 'the server warned that it fell back to host processes');
});
