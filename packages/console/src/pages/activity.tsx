import { useEffect, useState } from 'preact/hooks';
import type { AbacoClient } from '@abaco/client';
import { useLoad } from '../async.js';
import { Chart } from '../chart.js';
import { ErrorNote, Section } from '../common.js';
import { href } from '../route.js';

const REFRESH_MS = 15_000;
/** Actors per page of the table. */
const PAGE = 50;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** What the charts add up, as the server says. */
const COVERS = { actor: 'this actor', tenant: 'every actor of the tenant', page: 'the actors listed below' } as const;

/**
 * Activity over the last hour, from the server's per-minute tallies: messages queued, executions
 * ended by status, durations; workers and queues per actor, a page at a time; for admins,
 * utilization and nodes. Of one actor (`actorId`) or of the actors the caller may read.
 */
export function Activity({ client, actorId }: { client: AbacoClient; actorId?: string }) {
  const [skip, setSkip] = useState(0);
  const activity = useLoad(() => client.activity(actorId ? { actor: actorId } : { skip, limit: PAGE }), [actorId, skip]);
  useEffect(() => {
    const timer = setInterval(activity.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [activity.reload]);
  const a = activity.value;
  if (!a) return <ErrorNote error={activity.error} />;
  const start = Date.parse(a.start) / 1000;
  const minutes = a.overall.queued.map((_, i) => start + i * 60);
  const buckets = a.durationBuckets.map((_, i) => i);

  return (
    <div class="activity">
      <ErrorNote error={activity.error} />
      <div class="charts">
        <Chart
          title={`Messages and executions per minute, last ${a.minutes} minutes, of ${COVERS[a.overall.covers]}`}
          x={minutes}
          series={[
            { label: 'queued', values: a.overall.queued, color: '#1f5fa8' },
            { label: 'complete', values: a.overall.complete, color: '#1d7a35', dash: [6, 3] },
            { label: 'error', values: a.overall.error, color: '#b3261e', dash: [2, 2] },
          ]}
          summary={`${sum(a.overall.queued)} queued, ${sum(a.overall.complete)} complete, ${sum(a.overall.error)} error`}
        />
        <Chart
          title="Execution durations"
          x={buckets}
          xLabels={a.durationBuckets}
          bars
          series={[{ label: 'executions', values: a.overall.durations, color: '#6b3fa0' }]}
          summary={a.durationBuckets.map((label, i) => `${a.overall.durations[i]} ${label}`).join(', ')}
        />
      </div>
      <p>
        Now: {sum(a.actors.map((actor) => actor.messages))} messages queued, {sum(a.actors.map((actor) => sum(Object.values(actor.workers))))} workers.
        {!actorId && ' Of the actors listed below.'}
      </p>
      {!actorId && (
        <div class="table-wrap">
          <table>
            <caption>Workers and queues per actor</caption>
            <thead>
              <tr>
                <th scope="col">Actor</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">Workers</th>
                <th scope="col">Executions (last {a.minutes} min)</th>
              </tr>
            </thead>
            <tbody>
              {a.actors.map((actor) => (
                <tr key={actor.id}>
                  <td>
                    <a href={href('actors', actor.id)}>{actor.name || actor.id}</a>
                  </td>
                  <td>{actor.status}</td>
                  <td>{actor.messages}</td>
                  <td>{Object.entries(actor.workers).map(([status, n]) => `${n} ${status}`).join(', ') || '0'}</td>
                  <td>{sum(actor.complete) + sum(actor.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p role="status">
            {a.page.total} actors{a.page.total > 0 ? `, showing ${skip + 1}–${skip + a.actors.length}` : ''}.
          </p>
          <nav class="pager" aria-label="Actor pages">
            <button type="button" class="secondary" disabled={skip === 0} onClick={() => setSkip(Math.max(0, skip - PAGE))}>
              Previous
            </button>
            <button type="button" class="secondary" disabled={skip + PAGE >= a.page.total} onClick={() => setSkip(skip + PAGE)}>
              Next
            </button>
          </nav>
        </div>
      )}
      {a.utilization && (
        <Section title="Tenant utilization (admin)" id="utilization">
          <dl class="facts">
            <dt>Actors with workers</dt>
            <dd>{a.utilization.currentActors}</dd>
            <dt>Actors</dt>
            <dd>{a.utilization.totalActors}</dd>
            <dt>Workers</dt>
            <dd>{a.utilization.workers}</dd>
            <dt>Runtime</dt>
            <dd>
              {a.utilization.runtime} ({a.utilization.isolated ? 'isolated' : 'not isolated'})
            </dd>
          </dl>
        </Section>
      )}
      {a.nodes && (
        <Section title="Nodes (admin)" id="nodes">
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Heartbeat</th>
                  <th scope="col">Workers / capacity</th>
                  <th scope="col">Runtime</th>
                  <th scope="col">Leader</th>
                </tr>
              </thead>
              <tbody>
                {a.nodes.map((node) => (
                  <tr key={node.id}>
                    <td class="mono">{node.id}</td>
                    <td>{node.heartbeat}</td>
                    <td>
                      {node.workers} / {node.capacity}
                    </td>
                    <td>{node.runtime}</td>
                    <td>{node.leader ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
    </div>
  );
}
