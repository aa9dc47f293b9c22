import { useState } from 'preact/hooks';
import type { AbacoClient, ActorInput, ActorRecord } from '@abaco/client';
import { useLoad } from '../async.js';
import { ErrorNote } from '../common.js';
import { camelOf, fieldErrors, inputSchema, typesOf, type FieldSchema } from '../schema.js';

/** The fields shown first; the others are under "More settings". */
const MAIN = ['image', 'name', 'description', 'stateless', 'type', 'default_environment'];
/** Fields that make no sense when registering. */
const UPDATE_ONLY = ['force'];

type Values = Record<string, string | boolean>;

/** The form's text for a record's value. */
function shown(value: unknown, type: string): string | boolean {
  if (type === 'boolean') return value === true;
  if (value === null || value === undefined) return '';
  return type === 'object' || type === 'array' ? JSON.stringify(value) : String(value);
}

/** A form value as the JSON the schema asks for; undefined when left empty (the server's default). */
function parsed(text: string | boolean, field: FieldSchema, name: string): unknown {
  const { type } = typesOf(field);
  if (type === 'boolean') return text;
  if (text === '') return undefined;
  if (type === 'integer' || type === 'number') return Number(text);
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(text as string);
    } catch {
      throw new FieldError(name, `must be JSON (${type === 'object' ? 'an object' : 'a list'})`);
    }
  }
  return text;
}

/** What a field emptied while editing sends: null where the schema allows it, an empty text for a text; else nothing (the value stays). */
function cleared(field: FieldSchema): unknown {
  const { type, nullable } = typesOf(field);
  return nullable ? null : type === 'string' ? '' : undefined;
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Registers or updates an actor with a form built from the schema the server validates with (read
 * from its OpenAPI document); the server's refusal is shown on the field it names.
 */
export function ActorForm({ client, actor, onSaved, onCancel }: { client: AbacoClient; actor?: ActorRecord; onSaved: (actor: ActorRecord) => void; onCancel: () => void }) {
  const schema = useLoad(() => inputSchema('/actors/v2', 'post'), []);
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (schema.error) return <ErrorNote error={schema.error} />;
  if (!schema.value) return <p>Loading the form…</p>;
  const properties = Object.entries(schema.value.properties).filter(([name]) => actor || !UPDATE_ONLY.includes(name));
  const required = new Set(schema.value.required ?? []);
  const record = (actor ?? {}) as Record<string, unknown>;
  const valueOf = (name: string, field: FieldSchema) => values[name] ?? shown(record[camelOf(name)], typesOf(field).type);

  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setError(null);
    const input: Record<string, unknown> = {};
    try {
      for (const [name, field] of properties) {
        const value = parsed(valueOf(name, field), field, name) ?? (actor && name in values ? cleared(field) : undefined);
        // What was changed, and what is required (an update sends the image too, as the server asks).
        if (value !== undefined && (name in values || required.has(name))) input[name] = value;
      }
    } catch (e) {
      if (e instanceof FieldError) return setErrors({ [e.field]: e.message });
      throw e;
    }
    setBusy(true);
    try {
      onSaved(actor ? await client.actors.update(actor.id, input as ActorInput) : await client.actors.create(input as ActorInput));
    } catch (e) {
      const message = (e as Error).message;
      const named = fieldErrors(message, properties.map(([name]) => name));
      setErrors(named);
      setError(message);
    } finally {
      setBusy(false);
    }
  };

  const control = ([name, field]: [string, FieldSchema]) => {
    const { type } = typesOf(field);
    const id = `field-${name}`;
    const value = valueOf(name, field);
    const set = (v: string | boolean) => setValues({ ...values, [name]: v });
    const problem = errors[name];
    const aria = { 'aria-invalid': problem ? ('true' as const) : undefined, 'aria-describedby': `${id}-help${problem ? ` ${id}-error` : ''}` };
    const label = name.replace(/_/g, ' ');
    let input;
    if (type === 'boolean') input = <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} {...aria} />;
    else if (field.enum) {
      input = (
        <select id={id} value={String(value)} onChange={(e) => set(e.currentTarget.value)} {...aria}>
          <option value="">(default)</option>
          {field.enum.map((option) => (
            <option value={option}>{option}</option>
          ))}
        </select>
      );
    } else if (type === 'object' || type === 'array') {
      input = <textarea id={id} rows={2} value={String(value)} placeholder={type === 'object' ? '{"KEY": "value"}' : '["a", "b"]'} onInput={(e) => set(e.currentTarget.value)} {...aria} />;
    } else if (type === 'integer' || type === 'number') {
      input = <input id={id} type="number" required={required.has(name)} min={field.minimum} value={String(value)} onInput={(e) => set(e.currentTarget.value)} {...aria} />;
    } else {
      input = (
        <input
          id={id}
          type="text"
          required={required.has(name)}
          maxLength={field.maxLength}
          pattern={field.pattern}
          value={String(value)}
          onInput={(e) => set(e.currentTarget.value)}
          {...aria}
        />
      );
    }
    return (
      <div class={`field field-${type}`} key={name}>
        <label for={id}>
          {label}
          {required.has(name) ? ' (required)' : ''}
        </label>
        {input}
        <small id={`${id}-help`}>{field.description}</small>
        {problem && (
          <small id={`${id}-error`} class="field-error" role="alert">
            {label}: {problem}
          </small>
        )}
      </div>
    );
  };

  return (
    <form class="actor-form" onSubmit={submit} noValidate={false}>
      {properties.filter(([name]) => MAIN.includes(name)).map(control)}
      <details open={Object.keys(errors).some((name) => !MAIN.includes(name))}>
        <summary>More settings</summary>
        {properties.filter(([name]) => !MAIN.includes(name)).map(control)}
      </details>
      <ErrorNote error={error} />
      <div class="buttons">
        <button type="submit" disabled={busy}>
          {actor ? 'Save' : 'Create actor'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
