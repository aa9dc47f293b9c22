import { camelToSnake, LEVELS, type Casing } from '@abaco/core';

/** A JSON schema of an input object as core's model keeps it (camelCase property names). */
export interface InputSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

/**
 * The input schemas core's services validate bodies with (`validateInput`), read from core's own
 * model modules so the document and the server share one source. Core's index does not export them
 * yet: they are loaded from the modules beside its entry point.
 */
async function modelSchema(module: string, name: string): Promise<InputSchema> {
  const loaded = (await import(new URL(`./model/${module}.js`, import.meta.resolve('@abaco/core')).href)) as Record<string, InputSchema>;
  const schema = loaded[name];
  if (!schema) throw new Error(`@abaco/core's model/${module} has no ${name}`);
  return schema;
}

/** The bodies of the routes that register or change records, by the kind of record. */
export const INPUTS = {
  actor: await modelSchema('actor', 'actorInputSchema'),
  alias: await modelSchema('alias', 'aliasInputSchema'),
  config: await modelSchema('config', 'configInputSchema'),
  nonce: await modelSchema('nonce', 'nonceInputSchema'),
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
