import type { Level } from '../auth/levels.js';
import type { Role } from '../auth/identity.js';
import type { InputOf, InputSchema } from './validate.js';

export interface Nonce {
  /** `<tenant>_<random id>`: the tenant is what stands before the last '_'. */
  id: string;
  tenant: string;
  owner: string;
  /** The owner's roles when the nonce was made; a request with the nonce acts with these. */
  roles: Role[];
  level: Level;
  description: string;
  /** Set for an actor nonce; null for an alias nonce. */
  actorId: string | null;
  /** Set for an alias nonce; null for an actor nonce. */
  alias: string | null;
  /** -1 for unlimited. */
  maxUses: number;
  currentUses: number;
  /** -1 for unlimited. */
  remainingUses: number;
  apiServer: string;
  createTime: string;
  /** The string "None" until the first use, as upstream (clients rely on it being truthy). */
  lastUseTime: string;
  /** Set on the access token of a running execution (`_abaco_access_token`): never listed, revoked when it ends. */
  executionId?: string;
}

export const nonceInputSchema = {
  type: 'object',
  properties: {
    level: { type: 'string', description: 'Permission level of the nonce: NONE, READ, EXECUTE or UPDATE.' },
    maxUses: { type: ['integer', 'string'], description: 'How many times the nonce may be used; -1 for unlimited.' },
    description: { type: 'string', maxLength: 4096, description: 'Description of the nonce.' },
  },
} as const satisfies InputSchema;

/** What nonceInputSchema accepts, as a type (field names in camelCase). */
export type NonceInput = InputOf<typeof nonceInputSchema>;

/** The tenant a nonce id belongs to, or undefined when the id has no tenant part. */
export function nonceTenant(nonceId: string): string | undefined {
  const cut = nonceId.lastIndexOf('_');
  return cut > 0 ? nonceId.slice(0, cut) : undefined;
}
