import { BadRequestError } from '../errors.js';

/** Permission levels; each implies the ones before it. */
export const LEVELS = ['NONE', 'READ', 'EXECUTE', 'UPDATE'] as const;
export type Level = (typeof LEVELS)[number];

/** The user name that stands for every user: a permission granted to it makes a resource public. */
export const WORLD = 'ABACO_WORLD';

export function atLeast(held: Level | undefined, needed: Level): boolean {
  return LEVELS.indexOf(held ?? 'NONE') >= LEVELS.indexOf(needed);
}

export function highest(a: Level | undefined, b: Level | undefined): Level {
  return atLeast(a, b ?? 'NONE') ? (a ?? 'NONE') : (b ?? 'NONE');
}

/** Parses a level given by a user; accepts any letter case. */
export function parseLevel(input: unknown): Level {
  const level = typeof input === 'string' ? input.trim().toUpperCase() : input;
  if (!LEVELS.includes(level as Level)) {
    throw new BadRequestError(`Invalid permission level: ${String(input)}. The valid values are ${LEVELS.join(', ')}.`);
  }
  return level as Level;
}
