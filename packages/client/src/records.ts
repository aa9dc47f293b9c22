// The records of the API as the client returns them (camelCase), typed from the server's own model
// types in @abaco/core, and the inputs it sends, typed from the JSON schemas the server validates
// them with (type imports: erased at build, nothing of core runs in the client).
import type { Abaco, ActorConfig, ActorInput as ActorSchemaInput, ActorView, Alias, AliasInput, ConfigInput as ConfigSchemaInput, Execution, ExecutionSummary, Level, NodeView, Nonce, NonceInput, NonceTarget, PermissionTarget, Permissions, SearchResult, Worker } from '@abaco/core';

export type { AliasInput, Level, NonceInput, NonceTarget, PermissionTarget, Permissions };

/** Links to related resources, as the server builds them. */
export type Links = Record<string, string>;

/** An actor as shown: its record without internal fields, its state, and links. */
export type ActorRecord = Omit<ActorView, 'tenant' | 'dbId' | 'apiServer'> & { _links: Links };

/** What registering or updating an actor takes: an image, and any settable field (`force`: pull the image again on update). */
export type ActorInput = ActorSchemaInput;

/** An execution as shown. */
export type ExecutionRecord = Omit<Execution, 'tenant' | 'contentType'> & { _links: Links };

/** The executions of an actor: the latest ones in short, and the totals. */
export type ExecutionList = Omit<ExecutionSummary, 'actor' | 'executions'> & {
  actorId: string;
  apiServer: string;
  owner: string;
  executions: Pick<Execution, 'id' | 'status' | 'startTime' | 'finishTime' | 'messageReceivedTime'>[];
  _links: Links;
};

/** A message accepted: the id of the execution it became. */
export interface SentMessage {
  executionId: string;
  /** The message as the server read it ("binary - omitted" for bytes). */
  msg: unknown;
  _links: Links;
}

/** What a synchronous message answers: the execution's first result, its logs (when it sent none), or that it is still running. */
export type SyncAnswer = { kind: 'result'; executionId: string; data: Uint8Array } | { kind: 'logs'; executionId: string; logs: string } | { kind: 'timeout'; executionId: string };

export type WorkerRecord = Worker;

/** A nonce as shown (its id is the secret to hand out). */
export type NonceRecord = Omit<Nonce, 'tenant' | 'executionId'> & { _links: Links };

export type AliasRecord = Pick<Alias, 'alias' | 'actorId' | 'owner'> & { _links: Links };

export type ConfigRecord = Pick<ActorConfig, 'name' | 'value' | 'isSecret' | 'actors' | 'owner'>;
/** A config: a name, any JSON value (kept encrypted when secret), and the actors and aliases it is shared with (a list is sent joined with commas). */
export type ConfigInput = Omit<ConfigSchemaInput, 'actors'> & { actors: string | string[] };

/** The log record of an execution, as a search of `logs` finds it. */
export interface LogRecord {
  actorId: string;
  executionId: string;
  logs: string;
  _links: Links;
}

/** The records each collection of the search holds. */
export interface SearchRecords {
  actors: Omit<ActorRecord, 'state'>;
  workers: Omit<Worker, 'tenant'>;
  executions: ExecutionRecord;
  logs: LogRecord;
}
export type Collection = keyof SearchRecords;

/** One page of a search, and how many records match in all. */
export interface SearchPage<C extends Collection> {
  search: SearchRecords[C][];
  metadata: SearchResult['metadata'];
}

export type Utilization = Awaited<ReturnType<Abaco['reports']['utilization']>>;

/**
 * Activity per minute (`GET /stats`): messages queued, executions ended by status and their
 * durations, per actor (a page of them) and overall, with queues and workers now; for admins, the utilization and nodes too.
 */
export type ActivityRecord = Awaited<ReturnType<Abaco['activity']['read']>> & { utilization?: Utilization; nodes?: NodeView[] };

/** The nodes serving the API from one store, and which one leads. */
export interface Nodes {
  nodes: NodeView[];
  leader: string | null;
}
