export type ExecutionStatus = 'SUBMITTED' | 'RUNNING' | 'COMPLETE' | 'ERROR';

/** How a message reached the actor: `_abaco_Content_Type`. */
export type ContentType = 'str' | 'application/json' | 'application/octet-stream';

/** The Docker `State` of a finished container, as upstream keeps it in `final_state`. */
export interface FinalState {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface Execution {
  id: string;
  tenant: string;
  actorId: string;
  apiServer: string;
  /** Who sent the message: a user name, `cron`, or `Abaco Event`. */
  executor: string;
  workerId: string | null;
  status: ExecutionStatus;
  /** Why an execution is ERROR (empty otherwise). */
  statusMessage: string;
  messageReceivedTime: string;
  startTime: string | null;
  finishTime: string | null;
  /** Seconds the container ran (whole seconds, as upstream). */
  runtime: number;
  /** CPU time in nanoseconds. */
  cpu: number;
  /** Bytes read and written. */
  io: number;
  exitCode: number | 'undetermined' | null;
  finalState: FinalState | null;
  contentType: ContentType;
}

/** A message waiting in an actor's inbox: what its execution will be given. */
export interface QueuedMessage {
  executionId: string;
  contentType: ContentType;
  /** The message's text: as given for strings, JSON text for JSON messages; null for binary ones. */
  text: string | null;
  /** For binary messages: the file holding the bytes until the execution reads them. */
  binaryPath: string | null;
  /** For binary messages taken by a node of a cluster: the bytes are in the store (execution/payloads.ts), not in a file. */
  binaryStored?: boolean;
  /** Environment variables from the message's query parameters. */
  env: Record<string, string>;
  executor: string;
  /** The user who sent it; unset for cron and event messages (a `runAsExecutor` actor runs those as its owner). */
  sender?: string;
  /** Whether the sender waits for the execution to finish. */
  synchronous: boolean;
}
