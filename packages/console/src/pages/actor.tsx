import { useState } from 'preact/hooks';
import type { AbacoClient, ActorRecord } from '@abaco/client';
import { useAction, useLoad } from '../async.js';
import { ErrorNote, Section, Status } from '../common.js';
import { go, href } from '../route.js';
import { ActorForm } from './actor-form.js';
import { Activity } from './activity.js';
import { SendMessage } from './send.js';
import { Aliases, Nonces, Permissions } from './sharing.js';

const PAGE = 10;

/** An actor: its settings (edit, delete), sending a message, its executions, state, activity and sharing. */
export function ActorPage({ client, actorId, nonce }: { client: AbacoClient; actorId: string; nonce: boolean }) {
  const actor = useLoad(() => client.actors.get(actorId), [actorId]);
  const [editing, setEditing] = useState(false);
  const [round, setRound] = useState(0);
  const action = useAction();
  const a = actor.value;

  const remove = () => {
    if (!a || !confirm(`Delete actor ${a.name || a.id}? Its executions, logs and state go with it.`)) return;
    void action.run(() => client.actors.delete(a.id)).then((ok) => ok && go('actors'));
  };

  return (
    <main>
      {!nonce && (
        <p>
          <a href={href('actors')}>← actors</a>
        </p>
      )}
      <h1>{a ? a.name || a.id : actorId}</h1>
      <ErrorNote error={actor.error} />
      {a && (
        <>
          <Section title="Settings">
            {editing ? (
              <ActorForm client={client} actor={a} onSaved={() => (setEditing(false), actor.reload())} onCancel={() => setEditing(false)} />
            ) : (
              <>
                <Settings actor={a} />
                <div class="buttons">
                  <button type="button" onClick={() => setEditing(true)}>
                    Edit
                  </button>
                  <button type="button" class="danger" onClick={remove} disabled={action.busy}>
                    Delete…
                  </button>
                </div>
                <ErrorNote error={action.error} />
              </>
            )}
          </Section>
          <Section title="Send a message">
            <SendMessage client={client} actorId={a.id} onSent={() => setRound((n) => n + 1)} />
          </Section>
          <Executions client={client} actorId={a.id} round={round} />
          {!a.stateless && <StateEditor client={client} actorId={a.id} />}
          {!nonce && (
            <>
              <Section title="Activity" id="actor-activity">
                <Activity client={client} actorId={a.id} />
              </Section>
              <Permissions client={client} actorId={a.id} />
              <Nonces client={client} actorId={a.id} />
              <Aliases client={client} actorId={a.id} />
            </>
          )}
        </>
      )}
    </main>
  );
}

function Settings({ actor }: { actor: ActorRecord }) {
  const rows: [string, unknown][] = [
    ['Id', actor.id],
    ['Image', actor.image],
    ['Status', actor.status],
    ['Owner', actor.owner],
    ['Description', actor.description],
    ['Stateless', actor.stateless],
    ['Type', actor.type],
    ['Max workers', actor.maxWorkers],
    ['Default environment', actor.defaultEnvironment],
    ['Cron', actor.cronOn ? actor.cronSchedule : 'off'],
    ['Created', actor.createTime],
  ];
  return (
    <dl class="facts">
      {rows.map(([name, value]) => (
        <>
          <dt>{name}</dt>
          <dd>{name === 'Status' ? <Status value={String(value)} /> : typeof value === 'object' && value !== null ? <code>{JSON.stringify(value)}</code> : String(value ?? '–')}</dd>
        </>
      ))}
    </dl>
  );
}

/** The actor's executions, newest first, a page at a time (a search page of the server's, by `skip` and `limit`). */
function Executions({ client, actorId, round }: { client: AbacoClient; actorId: string; round: number }) {
  const [page, setPage] = useState(0);
  const executions = useLoad(async () => {
    const { totalExecutions } = await client.executions.list(actorId);
    const end = totalExecutions - page * PAGE;
    const skip = Math.max(0, end - PAGE);
    const found = end <= 0 ? [] : (await client.executions.page(actorId, { skip, limit: end - skip })).search;
    return { total: totalExecutions, list: found.reverse() };
  }, [actorId, page, round]);
  const total = executions.value?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));

  return (
    <Section title="Executions">
      <ErrorNote error={executions.error} />
      {executions.value && executions.value.list.length === 0 && <p>No executions yet.</p>}
      {executions.value && executions.value.list.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Execution</th>
                <th scope="col">Status</th>
                <th scope="col">Received</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {executions.value.list.map((e) => (
                <tr key={e.id}>
                  <td>
                    <a class="mono" href={href('actors', actorId, 'executions', e.id)}>
                      {e.id}
                    </a>
                  </td>
                  <td>
                    <Status value={e.status} />
                  </td>
                  <td>{e.messageReceivedTime}</td>
                  <td>{e.finishTime ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Execution pages">
        <button type="button" class="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Newer
        </button>
        <span>
          Page {page + 1} of {pages} ({total} in all)
        </span>
        <button type="button" class="secondary" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
          Older
        </button>
        <button type="button" class="secondary" onClick={executions.reload}>
          Refresh
        </button>
      </nav>
    </Section>
  );
}

/** A stateful actor's state, as JSON, to read and replace. */
function StateEditor({ client, actorId }: { client: AbacoClient; actorId: string }) {
  const state = useLoad(() => client.actors.state(actorId), [actorId]);
  const [text, setText] = useState<string | null>(null);
  const action = useAction();
  const shown = text ?? JSON.stringify(state.value ?? {}, null, 2);
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      let value: unknown;
      try {
        value = JSON.parse(shown);
      } catch (e) {
        throw new Error(`The state is not JSON: ${(e as Error).message}`);
      }
      await client.actors.setState(actorId, value);
      setText(null);
      state.reload();
    });
  };
  return (
    <Section title="State">
      <ErrorNote error={state.error} />
      <form onSubmit={save}>
        <label for="state-text">State (JSON)</label>
        <textarea id="state-text" rows={6} class="mono" value={shown} onInput={(e) => setText(e.currentTarget.value)} />
        <ErrorNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          Save state
        </button>
      </form>
    </Section>
  );
}
