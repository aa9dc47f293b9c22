import { useEffect } from 'preact/hooks';
import type { AbacoClient } from '@abaco/client';
import { useLoad } from '../async.js';
import { Chart } from '../chart.js';
import { ErrorNote, Section } from '../common.js';
import { href } from '../route.js';

const REFRESH_MS = 15_000;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Activity over the last hour, from the server's per-minute tallies: messages queued, executions
 * ended by status, durations; workers and queues per actor; for admins, utilization and nodes.
 * Of one actor (`actorId`) or of every actor the caller may read.
 */
export function Activity({ client, actorId }: { client: AbacoClient; actorId?: string }) {
  const activity = useLoad(() => client.activity(actorId ? { actor: actorId } : {}), [actorId]);
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
          title={`Messages and executions per minute, last ${a.minutes} minutes`}
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
        Now: {a.overall.messages} messages queued, {a.overall.workers} workers.
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
