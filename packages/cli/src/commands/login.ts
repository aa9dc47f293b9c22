import { Command, Flags } from '@oclif/core';
import { clientOf } from '../base.js';
import { saveProfile } from '../client/profile.js';

export default class Login extends Command {
  static override summary = 'Save a server URL and its credentials as a profile.';
  static override description = 'Checks them against the server, then saves them in $XDG_CONFIG_HOME/abaco/config.json (mode 600) and makes the profile the current one.';
  static override examples = [
    '<%= config.bin %> login --url http://127.0.0.1:8000 --token $(cat abaco-data/admin-token)',
    '<%= config.bin %> login --url https://abaco.example.org --nonce TACC_qBMrvO6Zy0yQz --profile portal',
  ];

  static override flags = {
    url: Flags.string({ description: 'server URL', required: true }),
    token: Flags.string({ description: 'bearer token', exactlyOne: ['token', 'nonce'] }),
    nonce: Flags.string({ description: 'nonce id, instead of a token (works for its actor only)' }),
    profile: Flags.string({ description: 'profile name', default: 'default' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Login);
    const profile = { url: flags.url.replace(/\/+$/, ''), token: flags.token, nonce: flags.nonce };
    if (flags.token) await clientOf(profile).utilization();
    const path = saveProfile(flags.profile, profile);
    this.log(`Logged in to ${profile.url} as profile ${flags.profile} (saved in ${path}).`);
  }
}
