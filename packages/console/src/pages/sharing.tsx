import { useState } from 'preact/hooks';
import type { AbacoClient, Level } from '@abaco/client';
import { useAction, useLoad } from '../async.js';
import { ErrorNote, Section } from '../common.js';

const LEVELS: Level[] = ['READ', 'EXECUTE', 'UPDATE'];

/** Who may do what with an actor, and granting or revoking a level. */
export function Permissions({ client, actorId }: { client: AbacoClient; actorId: string }) {
  const permissions = useLoad(() => client.permissions.list({ actor: actorId }), [actorId]);
  const [user, setUser] = useState('');
  const [level, setLevel] = useState<Level>('READ');
  const action = useAction();
  const grant = (who: string, to: Level) => action.run(() => client.permissions.grant({ actor: actorId }, who, to)).then((ok) => ok && permissions.reload());

  return (
    <Section title="Permissions">
      <ErrorNote error={permissions.error} />
      {permissions.value && (
        <ul class="plain">
          {Object.entries(permissions.value).map(([who, held]) => (
            <li key={who}>
              <span class="mono">{who}</span>: {held}{' '}
              <button type="button" class="link" aria-label={`Revoke ${who}'s access`} onClick={() => grant(who, 'NONE')}>
                revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void grant(user.trim(), level).then(() => setUser(''));
        }}
      >
        <label for="grant-user">User</label>
        <input id="grant-user" required value={user} placeholder="user name or ABACO_WORLD" onInput={(e) => setUser(e.currentTarget.value)} />
        <label for="grant-level">Level</label>
        <LevelSelect id="grant-level" value={level} onChange={setLevel} />
        <button type="submit" disabled={action.busy}>
          Share
        </button>
      </form>
      <ErrorNote error={action.error} />
    </Section>
  );
}

/** The actor's nonces: create one, copy the URL that sends a message with it, delete it. */
export function Nonces({ client, actorId }: { client: AbacoClient; actorId: string }) {
  const nonces = useLoad(() => client.nonces.list({ actor: actorId }), [actorId]);
  const [level, setLevel] = useState<Level>('EXECUTE');
  const [maxUses, setMaxUses] = useState('-1');
  const [copied, setCopied] = useState<string | null>(null);
  const action = useAction();
  const urlOf = (id: string) => `${location.origin}/actors/v2/${encodeURIComponent(actorId)}/messages?x-nonce=${encodeURIComponent(id)}`;

  return (
    <Section title="Nonces">
      <ErrorNote error={nonces.error} />
      {nonces.value && nonces.value.length === 0 && <p>No nonces.</p>}
      <ul class="plain">
        {(nonces.value ?? []).map((n) => (
          <li key={n.id}>
            <span class="mono">{n.id}</span> {n.level}, uses left {n.remainingUses === -1 ? 'unlimited' : n.remainingUses}{' '}
            <button
              type="button"
              class="link"
              onClick={() => action.run(() => navigator.clipboard.writeText(urlOf(n.id)).then(() => setCopied(n.id)))}
            >
              copy URL
            </button>{' '}
            <button type="button" class="link" onClick={() => confirm(`Delete nonce ${n.id}?`) && action.run(() => client.nonces.delete({ actor: actorId }, n.id)).then(nonces.reload)}>
              delete
            </button>
          </li>
        ))}
      </ul>
      <p role="status" class="hint">
        {copied ? `Copied the message URL of nonce ${copied}.` : ''}
      </p>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => client.nonces.create({ actor: actorId }, { level, maxUses: Number(maxUses) })).then(nonces.reload);
        }}
      >
        <label for="nonce-level">Level</label>
        <LevelSelect id="nonce-level" value={level} onChange={setLevel} />
        <label for="nonce-uses">Uses (-1: unlimited)</label>
        <input id="nonce-uses" type="number" min={-1} value={maxUses} onInput={(e) => setMaxUses(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>
          Create nonce
        </button>
      </form>
      <ErrorNote error={action.error} />
    </Section>
  );
}

/** The aliases that name this actor: add one, delete one. */
export function Aliases({ client, actorId }: { client: AbacoClient; actorId: string }) {
  const aliases = useLoad(async () => (await client.aliases.list()).filter((a) => a.actorId === actorId), [actorId]);
  const [name, setName] = useState('');
  const action = useAction();

  return (
    <Section title="Aliases">
      <ErrorNote error={aliases.error} />
      <ul class="plain">
        {(aliases.value ?? []).map((a) => (
          <li key={a.alias}>
            <span class="mono">{a.alias}</span>{' '}
            <button type="button" class="link" onClick={() => confirm(`Delete alias ${a.alias}?`) && action.run(() => client.aliases.delete(a.alias)).then(aliases.reload)}>
              delete
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => client.aliases.create({ alias: name.trim(), actorId })).then((ok) => ok && (setName(''), aliases.reload()));
        }}
      >
        <label for="alias-name">Alias</label>
        <input id="alias-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>
          Add alias
        </button>
      </form>
      <ErrorNote error={action.error} />
    </Section>
  );
}

/** A choice of permission level. */
function LevelSelect({ id, value, onChange }: { id: string; value: Level; onChange: (level: Level) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Level)}>
      {LEVELS.map((l) => (
        <option value={l}>{l}</option>
      ))}
    </select>
  );
}
