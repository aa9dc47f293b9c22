import { actorInputSchema, aliasInputSchema, camelToSnake, configInputSchema, LEVELS, nonceInputSchema, type Casing, type InputSchema } from '@abaco/core';

/**
 * The bodies of the routes that register or change records, by the kind of record: the input
 * schemas core's services validate bodies with (`validateInput`), so the document and the server share one source.
 */
export const INPUTS = {
  actor: actorInputSchema,
  alias: aliasInputSchema,
  config: configInputSchema,
  nonce: nonceInputSchema,
  /** What a permission grant reads (core checks it field by field: a user and one of the levels). */
  permission: {
    type: 'object',
    required: ['user', 'level'],
    properties: {
      user: { type: 'string', minLength: 1, description: 'The user to grant the level to.' },
      level: { type: 'string', enum: [...LEVELS], description: 'The level granted; NONE revokes.' },
    },
  } satisfies InputSchema,
  workers: {
    type: 'object',
    properties: { num: { type: 'integer', minimum: 0, description: 'How many workers the actor should have (default 1).' } },
  } satisfies InputSchema,
} as const;

/**
 * An input schema as a caller sends it to a server of this casing: the server reads either casing,
 * the document names the fields as the server shows them.
 */
export function inCasing(schema: InputSchema, casing: Casing): Record<string, unknown> {
  const name = casing === 'snake' ? camelToSnake : (key: string) => key;
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [name(key), value])),
    ...(schema.required ? { required: schema.required.map(name) } : {}),
  };
}
