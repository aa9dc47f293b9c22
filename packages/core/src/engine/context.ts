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
}
