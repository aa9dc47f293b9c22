import { Ajv, type ErrorObject } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import addFormats from 'ajv-formats';
import { BadRequestError } from '../errors.js';
import { snakeToCamel } from './casing.js';

/**
 * A JSON schema of an input object, with camelCase property names. Each is declared `as const`, so
 * the type of what it accepts is derived from it (`FromSchema`): clients type their inputs from the
 * schema the server validates with.
 */
export interface InputSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly required?: readonly string[];
}

/**
 * The type of what an input schema accepts: its fields, and no others (the server ignores unknown
 * fields, so that a record read can be sent back, but a caller typing its input means only these).
 */
export type InputOf<S extends JSONSchema> = FromSchema<S & { readonly additionalProperties: false }>;

const ajv = new Ajv({ allErrors: false, coerceTypes: 'array', useDefaults: false, strict: false });
addFormats.default(ajv);

const compiled = new WeakMap<InputSchema, ReturnType<Ajv['compile']>>();

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Checks an input object against a schema and returns it in camelCase with known fields only.
 * Accepts snake_case or camelCase keys, booleans written as strings in any letter case ("False"),
 * numbers written as strings, a single value where a list is expected, and JSON text where an
 * object is expected (form-encoded bodies carry only strings). Unknown and read-only fields are
 * ignored, so a record fetched with GET can be sent back with PUT. A broken rule is a 400 whose
 * message names the field (as the caller spelled it) and the rule: `<what>: {'<field>': '<rule>'}`.
 */
export function validateInput(schema: InputSchema, input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BadRequestError(`${what}: the body must be a JSON object or a form.`);
  }
  const spelled = new Map<string, string>();
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const name = snakeToCamel(key);
    const property = schema.properties[name];
    if (!property || value === undefined) continue;
    spelled.set(name, key);
    data[name] = coerce(property, value);
  }
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile({ ...schema, additionalProperties: false } as Record<string, unknown>)));
  if (!validate(data)) throw new BadRequestError(`${what}: ${describe(validate.errors![0]!, spelled, schema)}`);
  return data;
}

function coerce(property: Record<string, unknown>, value: unknown): unknown {
  const types = ([] as unknown[]).concat(property.type);
  if (typeof value === 'string' && types.includes('boolean')) {
    const lower = value.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
  }
  if (typeof value === 'string' && types.includes('object') && /^\s*\{/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value; // the schema check reports it
    }
  }
  if (value === '' && types.includes('null') && !types.includes('string')) return null;
  return value;
}

function describe(error: ErrorObject, spelled: Map<string, string>, schema: InputSchema): string {
  const path = error.instancePath.split('/').filter(Boolean);
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const name = path[0] ?? missing ?? '';
  const where = [spelled.get(name) ?? name, ...path.slice(1)].join('.');
  const description = schema.properties[name]?.description as string | undefined;
  const rule = error.keyword === 'required' ? `is required: ${description ?? name}` : (error.message ?? 'is invalid');
  return `{'${where}': '${rule}'}`;
}
