import { useState } from 'preact/hooks';
import type { AbacoClient } from '@abaco/client';
import { useLoad } from '../async.js';
import { ErrorNote, Section, Status } from '../common.js';
import { go, href } from '../route.js';
import { ActorForm } from './actor-form.js';

/** The actors the caller may read, with their status and queue length; a filter, and registering one. */
export function Actors({ client }: { client: AbacoClient }) {
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const actors = useLoad(async () => {
    const list = await client.actors.list();
    const queues = await Promise.all(list.map((a) => client.messages.count(a.id).catch(() => null)));
    return list.map((actor, i) => ({ actor, messages: queues[i] }));
  }, []);
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (actors.value ?? []).filter(({ actor }) => words.every((w) => [actor.id, actor.name ?? '', actor.image, actor.owner, actor.status, actor.description].join(' ').toLowerCase().includes(w)));

  return (
    <main>
      <h1>Actors</h1>
      {creating ? (
        <Section title="Register an actor">
          <ActorForm client={client} onSaved={(actor) => go('actors', actor.id)} onCancel={() => setCreating(false)} />
        </Section>
      ) : (
        <div class="toolbar">
          <label for="actor-filter">Filter</label>
          <input id="actor-filter" type="search" value={filter} placeholder="name, image, owner, status…" onInput={(e) => setFilter(e.currentTarget.value)} />
          <button type="button" onClick={() => setCreating(true)}>
            New actor
          </button>
          <button type="button" class="secondary" onClick={actors.reload}>
            Refresh
          </button>
        </div>
      )}
      <ErrorNote error={actors.error} />
      {actors.value && shown.length === 0 && <p>{actors.value.length === 0 ? 'No actors yet.' : 'No actor matches the filter.'}</p>}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Actors</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Image</th>
                <th scope="col">Owner</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
              </tr>
            </thead>
            <tbody>
              {shown.map(({ actor, messages }) => (
                <tr key={actor.id}>
                  <td>
                    <a href={href('actors', actor.id)}>{actor.name || '(no name)'}</a>
                  </td>
                  <td class="mono">{actor.id}</td>
                  <td class="mono">{actor.image}</td>
                  <td>{actor.owner}</td>
                  <td>
                    <Status value={actor.status} />
                  </td>
                  <td>{messages ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
