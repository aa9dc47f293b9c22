import { readFileSync } from 'node:fs';

/** The user guide's sample images and the script of `assets/samples` each runs. */
const SCRIPTS: Readonly<Record<string, string>> = {
  'abacosamples/wc': 'wc.py',
  'abacosamples/test': 'test.py',
  'jstubbs/abaco_test': 'test.py',
  'abacosamples/sleep_loop': 'sleep_loop.py',
};

/**
 * The images every process runtime runs: the user guide's samples as fixed host commands that behave
 * like them, and `abacosamples/node_func`, the function runner of @abaco/client's `AbacoExecutor`. `abacosamples/wc` prints `Number of words is: N` for the message; `abacosamples/test` and
 * `jstubbs/abaco_test` print the message (`Contents of MSG: ...`) and the environment, credentials
 * hidden; `abacosamples/sleep_loop` sleeps `sleep` seconds `iterations` times (from a JSON message or
 * variables), printing a line each time.
 *
 * Each is `python3 -I -u -c <script>` (or `$ABACO_PYTHON`, as for the results helper): the script's
 * text is read from this package when the runtime is made and passed on the command line, so the
 * actor's user needs no access to the package's files; `-I` makes Python ignore its variables, user
 * folders and the working directory, `-u` streams the output as it is printed.
 *
 * `abacosamples/node_func` runs `assets/samples/node_func.cjs` with the engine's own Node (`node -e`),
 * which runs the function of the message in that fresh process and sends its outcome through
 * `assets/samples/node_func_send.py` (the same Python), as the image of that name does in a container
 * with a small static sender.
 */
export function sampleImages(python = process.env.ABACO_PYTHON ?? 'python3'): Record<string, string[]> {
  return {
    ...Object.fromEntries(Object.entries(SCRIPTS).map(([image, file]) => [image, [python, '-I', '-u', '-c', script(file)]])),
    'abacosamples/node_func': [process.execPath, '-e', script('node_func.cjs'), '--', '--sender', python, '-I', '-c', script('node_func_send.py')],
  };
}

function script(file: string): string {
  return readFileSync(new URL(`../../assets/samples/${file}`, import.meta.url), 'utf8');
}
