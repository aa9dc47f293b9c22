import { Command, Flags } from '@oclif/core';
import { Api, ApiError } from './client/api.js';
import { resolveProfile } from './client/profile.js';

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

  private cachedApi?: Api;

  protected async api(): Promise<Api> {
    if (this.cachedApi) return this.cachedApi;
    const { flags } = await this.parse(this.constructor as typeof AbacoCommand);
    this.cachedApi = new Api(resolveProfile(flags.profile as string | undefined, { url: flags.url as string | undefined, token: flags.token as string | undefined }));
    return this.cachedApi;
  }

  /** Prints `result` as JSON with --json, else as `human` renders it. */
  protected async show(result: unknown, human: () => string): Promise<void> {
    const { flags } = await this.parse(this.constructor as typeof AbacoCommand);
    this.log(flags.json ? JSON.stringify(result, null, 2) : human());
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const debug = process.argv.includes('--debug');
    if (error instanceof ApiError || !(error.oclif || debug)) {
      process.stderr.write(`Error: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return this.exit(error.exitCode ?? 1);
    }
    return super.catch(error);
  }
}
