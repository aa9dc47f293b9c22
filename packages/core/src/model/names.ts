import { BadRequestError } from '../errors.js';

/** Checks a user-chosen name (an alias, a config name) against reserved words and forbidden characters. */
export function checkName(name: string, kind: string, reserved: readonly string[], forbidden: readonly string[]): void {
  if (reserved.includes(name)) {
    throw new BadRequestError(`${name} is a reserved word. The following reserved words cannot be used for ${kind}: ${reserved.join(', ')}.`);
  }
  const bad = forbidden.find((c) => name.includes(c));
  if (bad) throw new BadRequestError(`'${bad}' is a forbidden character. The following characters cannot be used for ${kind}: ${forbidden.join(' ')}.`);
}
