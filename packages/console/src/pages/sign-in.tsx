import { useState } from 'preact/hooks';
import { AbacoClient } from '@abaco/client';
import { ErrorNote } from '../common.js';
import type { Session } from '../session.js';

/** Sign in with a token (bearer) or a nonce; the credentials are checked against the API before they are kept. */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [kind, setKind] = useState<'token' | 'nonce'>('token');
  const [secret, setSecret] = useState('');
  const [actor, setActor] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const credentials = kind === 'token' ? { token: secret.trim() } : { nonce: secret.trim() };
    try {
      const client = new AbacoClient({ url: location.origin, credentials, retries: 0 });
      // A token may list actors; a nonce may only read the actor it was made for.
      if (kind === 'token') await client.actors.list();
      else await client.actors.get(actor.trim());
      onSignIn(kind === 'token' ? { credentials, label: 'token' } : { credentials, label: `nonce for ${actor.trim()}`, home: actor.trim() });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Abaco console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help">Sign in with an API token, or with a nonce and the actor (or alias) it was made for. It is kept for this browser tab only.</p>
        <fieldset>
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'token'} onChange={() => setKind('token')} /> a token
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'nonce'} onChange={() => setKind('nonce')} /> a nonce
          </label>
        </fieldset>
        <label for="secret">{kind === 'token' ? 'Token' : 'Nonce'}</label>
        <input id="secret" type="password" autocomplete="off" required value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        {kind === 'nonce' && (
          <>
            <label for="nonce-actor">Actor id or alias</label>
            <input id="nonce-actor" required value={actor} onInput={(e) => setActor(e.currentTarget.value)} />
          </>
        )}
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
