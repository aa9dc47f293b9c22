/** A field of an input schema, as the server's OpenAPI document gives it (JSON Schema). */
export interface FieldSchema {
  type?: string | string[];
  enum?: string[];
  description?: string;
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** An input schema: its fields and the required ones. */
export interface InputSchema {
  properties: Record<string, FieldSchema>;
  required?: string[];
}

let openApi: Promise<Record<string, any>> | null = null;

/**
 * The schema the server validates a body with, read from its OpenAPI document (the same schema
 * object, so the form asks what the server checks): `path` and `method` name the route.
 */
export async function inputSchema(path: string, method: 'post' | 'put'): Promise<InputSchema> {
  openApi ??= fetch('/actors/v2/openapi.json').then((r) => {
    if (!r.ok) throw new Error(`The API description could not be read (${r.status}).`);
    return r.json() as Promise<Record<string, any>>;
  });
  const schema = (await openApi).paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema as InputSchema | undefined;
  if (!schema) throw new Error(`The API description has no body for ${method.toUpperCase()} ${path}.`);
  return schema;
}

/** The JSON types a field takes, `null` left out, and whether it may be null. */
export function typesOf(field: FieldSchema): { type: string; nullable: boolean } {
  const types = Array.isArray(field.type) ? field.type : [field.type ?? 'string'];
  return { type: types.find((t) => t !== 'null') ?? 'string', nullable: types.includes('null') };
}

/** `snake_case` to `camelCase` (the records the client gives are camelCase; the v2 document names fields in snake_case). */
export const camelOf = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The fields a server's refusal names, each with its rule: upstream's `{'field': 'rule'}` form, else
 * the longest field name found in the message, with the whole message.
 */
export function fieldErrors(message: string, fields: string[]): Record<string, string> {
  const listed = Object.fromEntries([...message.matchAll(/'(\w+)': '((?:[^'\\]|\\.)*)'/g)].filter(([, f]) => fields.includes(f!)).map(([, f, rule]) => [f!, rule!]));
  if (Object.keys(listed).length > 0) return listed;
  const named = fields.filter((f) => new RegExp(`\\b(${f}|${camelOf(f)})\\b`).test(message)).sort((a, b) => b.length - a.length)[0];
  return named ? { [named]: message } : {};
}
