import { useState } from 'preact/hooks';
import type { AbacoClient, Message } from '@abaco/client';
import { useAction } from '../async.js';
import { download, ErrorNote } from '../common.js';
import { href } from '../route.js';

type Answer = { executionId: string; text?: string; bytes?: Uint8Array; note: string };

/** Sends a message (text, JSON or a file), asynchronously or waiting for its execution, and shows the answer. */
export function SendMessage({ client, actorId, onSent }: { client: AbacoClient; actorId: string; onSent: () => void }) {
  const [kind, setKind] = useState<'text' | 'json' | 'file'>('text');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [sync, setSync] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const action = useAction();

  const message = (): Message => {
    if (kind === 'text') return { text };
    if (kind === 'file') {
      if (!file) throw new Error('Choose a file to send.');
      return { bytes: file };
    }
    try {
      return { json: JSON.parse(text) };
    } catch (e) {
      throw new Error(`The message is not JSON: ${(e as Error).message}`);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setAnswer(null);
    await action.run(async () => {
      if (!sync) {
        const sent = await client.messages.post(actorId, message());
        setAnswer({ executionId: sent.executionId, note: 'Queued.' });
      } else {
        const got = await client.messages.sendSync(actorId, message());
        if (got.kind === 'result') setAnswer({ executionId: got.executionId, bytes: got.data, note: `First result (${got.data.length} bytes):` });
        else if (got.kind === 'logs') setAnswer({ executionId: got.executionId, text: got.logs, note: 'No result; its logs:' });
        else setAnswer({ executionId: got.executionId, note: 'Still running after the server’s wait; follow it below.' });
      }
      onSent();
    });
  };

  return (
    <form class="send" onSubmit={submit}>
      <fieldset>
        <legend>Message kind</legend>
        {(['text', 'json', 'file'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="message-kind" checked={kind === k} onChange={() => setKind(k)} /> {k === 'json' ? 'JSON' : k}
          </label>
        ))}
      </fieldset>
      {kind === 'file' ? (
        <>
          <label for="message-file">File</label>
          <input id="message-file" type="file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </>
      ) : (
        <>
          <label for="message-text">{kind === 'json' ? 'JSON message' : 'Message'}</label>
          <textarea id="message-text" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </>
      )}
      <label class="inline">
        <input type="checkbox" checked={sync} onChange={(e) => setSync(e.currentTarget.checked)} /> wait for the execution (synchronous)
      </label>
      <ErrorNote error={action.error} />
      <button type="submit" disabled={action.busy}>
        Send
      </button>
      {answer && (
        <div class="answer" role="status">
          <p>
            {answer.note} Execution <a href={href('actors', actorId, 'executions', answer.executionId)}>{answer.executionId}</a>
          </p>
          {answer.text !== undefined && <pre class="logs">{answer.text}</pre>}
          {answer.bytes && (
            <>
              <pre class="logs">{new TextDecoder().decode(answer.bytes.slice(0, 4096))}</pre>
              <button type="button" class="secondary" onClick={() => download(`${answer.executionId}.result`, answer.bytes!)}>
                Download the result
              </button>
            </>
          )}
        </div>
      )}
    </form>
  );
}
