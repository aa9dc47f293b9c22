import type { Role } from '../auth/identity.js';
import type { InputOf, InputSchema } from './validate.js';

/** An actor config: a named value shared with several actors, injected as `_actor_configs`. */
export interface ActorConfig {
  name: string;
  /** The value as given; for a secret, the encrypted text (`v1:<iv>:<tag>:<data>`, base64). */
  value: unknown;
  isSecret: boolean;
  /** The actor ids and aliases as given, trimmed and joined with ", " as upstream shows them. */
  actors: string;
  /**
   * The ids of those actors when the config was saved: an alias is resolved then, so a config never
   * follows an alias to an actor it was not shared with. (Absent in records of older versions.)
   */
  actorIds?: string[];
  owner: string;
  /** The owner's roles when the config was created: its access to the actors is checked with them at each execution. */
  ownerRoles?: Role[];
  tenant: string;
}

export const configInputSchema = {
  type: 'object',
  required: ['name', 'value', 'isSecret', 'actors'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 256, description: 'The name of the config.' },
    value: { description: 'The content of the config: any JSON value.' },
    isSecret: { type: 'boolean', description: 'Whether the value is a secret, kept encrypted.' },
    actors: { type: 'string', description: 'Comma-separated actor ids and aliases to share the config with.' },
  },
} as const satisfies InputSchema;

/** What configInputSchema accepts, as a type (field names in camelCase). */
export type ConfigInput = InputOf<typeof configInputSchema>;

/** Names a config may not have. */
export const RESERVED_CONFIG_WORDS = ['executions', 'nonces', 'logs', 'messages', 'adapters', 'admin', 'utilization'];
/** Characters a config name may not contain. */
export const FORBIDDEN_CONFIG_CHARS = [' ', ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '='];
