import { useEffect, useState } from 'preact/hooks';
import type { AbacoClient } from '@abaco/client';
import { useAction, useLoad } from '../async.js';
import { download, ErrorNote, Section, Status } from '../common.js';
import { href } from '../route.js';

/** An execution: its record, its logs as they are written (streamed by the server), its results, and halting it. */
export function ExecutionView({ client, actorId, executionId }: { client: AbacoClient; actorId: string; executionId: string }) {
  const execution = useLoad(() => client.executions.get(actorId, executionId), [actorId, executionId]);
  const [logs, setLogs] = useState('');
  const [following, setFollowing] = useState(true);
  const [logError, setLogError] = useState<string | null>(null);
  const action = useAction();

  useEffect(() => {
    const stop = new AbortController();
    setLogs('');
    setFollowing(true);
    (async () => {
      try {
        for await (const piece of client.executions.followLogs(actorId, executionId, { signal: stop.signal })) setLogs((text) => text + piece);
        execution.reload();
      } catch (e) {
        if (!stop.signal.aborted) setLogError((e as Error).message);
      } finally {
        if (!stop.signal.aborted) setFollowing(false);
      }
    })();
    return () => stop.abort();
  }, [actorId, executionId]);

  const e = execution.value;
  return (
    <main>
      <p>
        <a href={href('actors', actorId)}>← actor {actorId}</a>
      </p>
      <h1>Execution {executionId}</h1>
      <ErrorNote error={execution.error} />
      {e && (
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <Status value={e.status} /> {e.statusMessage}
          </dd>
          <dt>Received</dt>
          <dd>{e.messageReceivedTime}</dd>
          <dt>Started</dt>
          <dd>{e.startTime ?? '–'}</dd>
          <dt>Finished</dt>
          <dd>{e.finishTime ?? '–'}</dd>
          <dt>Exit code</dt>
          <dd>{e.exitCode ?? '–'}</dd>
          <dt>Runtime (s)</dt>
          <dd>{e.runtime}</dd>
          <dt>Sent by</dt>
          <dd>{e.executor}</dd>
        </dl>
      )}
      <div class="buttons">
        {e?.status === 'RUNNING' && (
          <button type="button" class="danger" disabled={action.busy} onClick={() => action.run(() => client.executions.halt(actorId, executionId)).then(execution.reload)}>
            Halt
          </button>
        )}
        <button
          type="button"
          class="secondary"
          disabled={action.busy}
          onClick={() =>
            action.run(async () => {
              const data = await client.executions.result(actorId, executionId);
              if (data.length === 0) throw new Error('No result is left (each result is given once).');
              download(`${executionId}.result`, data);
            })
          }
        >
          Download the next result
        </button>
      </div>
      <ErrorNote error={action.error} />
      <Section title="Logs">
        <p class="hint" aria-live="polite">
          {following ? 'Following the output as it is written…' : 'The execution has ended.'}
        </p>
        <ErrorNote error={logError} />
        <pre class="logs" aria-label="Execution logs" tabIndex={0}>
          {logs || (following ? '' : '(no output)')}
        </pre>
      </Section>
    </main>
  );
}
