import { AbacoClient, AbacoError, type Credentials, type Envelope } from '@abaco/client';
import { Command, Flags } from '@oclif/core';
import { resolveProfile, type Profile } from './client/profile.js';

/** A client of the server a profile names, with its token or nonce. */
export function clientOf(profile: Profile, onAnswer?: (answer: Envelope<unknown>) => void): AbacoClient {
  const credentials: Credentials = profile.token ? { token: profile.token } : profile.nonce ? { nonce: profile.nonce } : {};
  return new AbacoClient({ url: profile.url, credentials, onAnswer });
}

/**
 * What every command that talks to a server shares: the profile and its overrides, `--json` for
 * the raw result, and errors shown as the server's message with a non-zero exit code (the stack
 * only with `--debug`).
 */
export abstract class AbacoCommand extends Command {
  static override baseFlags = {
    json: Flags.boolean({ description: 'print the raw result as JSON', helpGroup: 'GLOBAL' }),
    profile: Flags.string({ description: 'saved profile to use (default: the last one logged in)', helpGroup: 'GLOBAL' }),
    url: Flags.string({ description: 'server URL (overrides the profile and ABACO_URL)', helpGroup: 'GLOBAL' }),
    token: Flags.string({ description: 'bearer token (overrides the profile and ABACO_TOKEN)', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ description: 'show stack traces of errors', helpGroup: 'GLOBAL' }),
  };

  /**
   * The server's last JSON answer, as it showed it (snake_case by default): what `--json` prints,
   * and the message a deletion or an update answers with. The client's records are camelCase.
   */
  protected answer: Envelope<any> = { message: '', result: undefined };
  private cachedClient?: AbacoClient;

  /** The profile this command runs with. */
  protected async profile(): Promise<Profile & { name: string }> {
    const { flags } = await this.parse(this.constructor as typeof AbacoCommand);
    return resolveProfile(flags.profile as string | undefined, { url: flags.url as string | undefined, token: flags.token as string | undefined });
  }

  /** The client of the profile's server. */
  protected async client(): Promise<AbacoClient> {
    this.cachedClient ??= clientOf(await this.profile(), (answer) => (this.answer = answer));
    return this.cachedClient;
  }

  /** Prints `result` as JSON with --json, else as `human` renders it. */
  protected async show(result: unknown, human: () => string): Promise<void> {
    const { flags } = await this.parse(this.constructor as typeof AbacoCommand);
    this.log(flags.json ? JSON.stringify(result, null, 2) : human());
  }

  /** Prints the server's last answer with --json, else as `human` renders it. */
  protected async showAnswer(human: () => string): Promise<void> {
    return this.show(this.answer.result, human);
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const debug = process.argv.includes('--debug');
    if (error instanceof AbacoError || !(error.oclif || debug)) {
      process.stderr.write(`Error: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return this.exit(error.exitCode ?? 1);
    }
    return super.catch(error);
  }
}
