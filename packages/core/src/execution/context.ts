import type { Actor } from '../model/actor.js';
import type { QueuedMessage } from '../model/execution.js';
import { pythonRepr, pythonStr } from './python-repr.js';

/** What an execution's environment is made of. */
export interface ContextParts {
  actor: Actor;
  workerId: string;
  executionId: string;
  message: QueuedMessage;
  state: unknown;
  configs: Record<string, unknown>;
  accessToken: string;
}

/**
 * The environment of an execution: the actor's default environment, overridden by the message's
 * query parameters, then the context of the user guide (`_abaco_*`, `MSG`) and `_actor_configs`.
 * Non-string values reach the container as Python's `str()` renders them, as upstream's do: the
 * `MSG` of a JSON message (events from linked actors included) is `{'key': 'value'}`, and its JSON
 * text is in `_abaco_raw_message` for actors that read it with a JSON parser.
 */
export function executionEnv({ actor, workerId, executionId, message, state, configs, accessToken }: ContextParts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(actor.defaultEnvironment)) env[key] = pythonStr(value);
  Object.assign(env, message.env);
  Object.assign(env, {
    _abaco_actor_id: actor.id,
    _abaco_actor_dbid: actor.dbId,
    _abaco_actor_name: actor.name ?? '',
    _abaco_actor_revision: String(actor.revision),
    _abaco_container_repo: actor.image,
    _abaco_worker_id: workerId,
    _abaco_execution_id: executionId,
    _abaco_access_token: accessToken,
    _abaco_api_server: actor.apiServer,
    _abaco_actor_state: pythonStr(state),
    _abaco_Content_Type: message.contentType,
    _abaco_username: message.executor,
    _actor_configs: pythonRepr(Object.fromEntries(Object.entries(configs).map(([name, value]) => [name, pythonStr(value)]))),
  });
  if (message.text !== null && message.contentType === 'application/json') {
    env.MSG = pythonStr(JSON.parse(message.text));
    env._abaco_raw_message = message.text;
  } else if (message.text !== null) env.MSG = message.text;
  return env;
}
