import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Settings } from './settings.js';

/** What every service of the engine shares. */
export interface EngineContext {
  store: Store;
  settings: Settings;
  /** The engine's clock; tests inject one to move time. */
  now: () => Date;
  log: Logger;
  /**
   * The container runtime's name, whether it isolates actors from the host (not the process runtime),
   * and the images it can run when it cannot pull any (the process runtime's image map); null for
   * container engines, which pull, and for an engine without a runtime.
   */
  runtime: { name: string; isolated: boolean; images: string[] | null };
}
