import { AbacoCommand } from '../base.js';

export default class Whoami extends AbacoCommand {
  static override summary = 'Show the profile in use, its server, and whether the server accepts its credentials.';
  static override examples = ['<%= config.bin %> whoami', '<%= config.bin %> whoami --profile portal --json'];

  async run(): Promise<void> {
    const { flags } = await this.parse(Whoami);
    const profile = await this.profile();
    const utilization = profile.token ? (await (await this.client()).utilization(), this.answer.result) : null;
    const auth = profile.token ? `token ${profile.token.slice(0, 4)}…` : profile.nonce ? `nonce ${profile.nonce}` : 'no credentials';
    await this.show({ profile: profile.name, url: profile.url, auth, accepted: utilization !== null, utilization }, () =>
      [`profile  ${profile.name}`, `server   ${profile.url}`, `auth     ${auth}${utilization ? ' (accepted)' : ''}`].join('\n'),
    );
  }
}
