import { AbacoClient } from '@abaco/client';

/** What the browser keeps of a sign-in, for this tab's session only (sessionStorage, never a URL or a cookie). */
export interface Session {
  credentials: { token: string } | { nonce: string };
  /** Who the session says it is, as typed at sign-in (a nonce has no user name). */
  label: string;
  /** For a nonce: the actor or alias it was made for, the only one it reaches. */
  home?: string;
}

const KEY = 'abaco-console-session';

export function loadSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** A client of the API this console was served by, with the session's credentials. */
export function clientFor(session: Session): AbacoClient {
  return new AbacoClient({ url: location.origin, credentials: session.credentials, retries: 1 });
}
