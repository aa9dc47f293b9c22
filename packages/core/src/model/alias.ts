import type { InputOf, InputSchema } from './validate.js';

export interface Alias {
  alias: string;
  actorId: string;
  owner: string;
  tenant: string;
}

export const aliasInputSchema = {
  type: 'object',
  required: ['alias', 'actorId'],
  properties: {
    alias: { type: 'string', minLength: 1, maxLength: 256, description: 'The alias name.' },
    actorId: { type: 'string', minLength: 1, description: 'The actor id this alias refers to.' },
  },
} as const satisfies InputSchema;

/** What aliasInputSchema accepts, as a type (field names in camelCase). */
export type AliasInput = InputOf<typeof aliasInputSchema>;

/** Words an alias may not be, since they name routes under /actors. */
export const RESERVED_ALIAS_WORDS = ['executions', 'nonces', 'logs', 'messages', 'adapters', 'admin', 'openapi.json'];
/** Characters an alias may not contain (a dot is allowed). */
export const FORBIDDEN_ALIAS_CHARS = ['\\', ' ', '"', ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '='];
