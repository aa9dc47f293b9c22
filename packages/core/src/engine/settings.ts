import type { Mount } from '../model/actor.js';

/** Deployment settings of an engine. Every field has a default; see `defaultSettings`. */
export interface Settings {
  /** The public base URL of the API, injected as `_abaco_api_server` and used in links. */
  apiServer: string;
  /** The `token` of an actor registered without one. */
  tokenDefault: boolean;
  /** Queues actors may be put on (`queue`). */
  queues: string[];
  /**
   * Mounts given to every actor's containers. Host paths may hold `{username}` and `{tenant_id}`;
   * `privilegedMounts` are added for privileged actors only.
   */
  globalMounts: Mount[];
  privilegedMounts: Mount[];
  /** Key for actor config secrets: 32 bytes as 64 hex characters or base64. Without it, secrets are refused. */
  secretKey?: string;
}

export function defaultSettings(): Settings {
  return {
    apiServer: 'http://127.0.0.1:8000',
    tokenDefault: false,
    queues: ['default'],
    globalMounts: [],
    privilegedMounts: [],
  };
}
