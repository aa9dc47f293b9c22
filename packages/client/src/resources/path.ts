/** A path segment of a user-chosen name or id. */
export const seg = (value: string): string => encodeURIComponent(value);
