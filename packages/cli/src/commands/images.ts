import { Flags } from '@oclif/core';
import { AbacoCommand } from '../base.js';

export default class Images extends AbacoCommand {
  static override summary = 'List the images the server can run actors from.';
  static override description =
    "A server that runs actors as host processes (the process runtime) runs only the images of its map: the user guide's samples (abacosamples/wc, abacosamples/test, jstubbs/abaco_test, abacosamples/sleep_loop) and those of its --config file. A server on Docker or Podman runs any image its engine has or can pull.";

  static override examples = ['<%= config.bin %> images', '<%= config.bin %> images -q', '<%= config.bin %> images --json'];
  static override flags = { quiet: Flags.boolean({ char: 'q', description: 'print the image names only (nothing on a container engine)' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(Images);
    const { runtime, isolated, images } = await (await this.client()).utilization();
    await this.show({ runtime, isolated, images: images ?? null }, () => {
      if (flags.quiet) return (images ?? []).join('\n');
      if (runtime === 'none') return 'None: this server has no runtime, it runs no actors.';
      if (!images) return `Any image the ${runtime} engine has or can pull (runtime: ${runtime}).`;
      const header = `Images of the ${runtime} runtime (${isolated ? 'isolated' : 'host processes, no isolation'}):`;
      return [header, ...images.map((image) => `  ${image}`)].join('\n');
    });
  }
}
