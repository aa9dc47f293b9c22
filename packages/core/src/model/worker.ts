/** Worker statuses, with upstream's spellings (spaces included). */
export type WorkerStatus =
  | 'REQUESTED'
  | 'SPAWNER SETUP'
  | 'PULLING IMAGE'
  | 'CREATING CONTAINER'
  | 'READY'
  | 'BUSY'
  | 'SHUTDOWN_REQUESTED'
  | 'SHUTTING_DOWN'
  | 'ERROR';

/** Statuses of a worker that is starting or able to take a message (upstream's "pending" set). */
export const PENDING_STATUSES: readonly WorkerStatus[] = ['REQUESTED', 'SPAWNER SETUP', 'PULLING IMAGE', 'CREATING CONTAINER', 'READY'];
/** Statuses of a worker on its way out. */
export const LEAVING_STATUSES: readonly WorkerStatus[] = ['SHUTDOWN_REQUESTED', 'SHUTTING_DOWN', 'ERROR'];

export interface Worker {
  id: string;
  tenant: string;
  actorId: string;
  status: WorkerStatus;
  statusMessage: string;
  /** The actor revision this worker runs; a worker of an older revision retires. */
  revision: number;
  image: string;
  /** The runtime that runs its containers (docker, podman, process). */
  location: string;
  /**
   * The container of the execution it is running (once that has run for a second), or of the last
   * one it ran; null before its first.
   */
  cid: string | null;
  chName: string;
  /** The engine (node) that owns the worker: a worker whose engine is gone is stale. */
  hostId: string;
  /** The address of that node (setting `hostIp`). */
  hostIp: string;
  createTime: string;
  lastExecutionTime: string | null;
  lastHealthCheckTime: string | null;
}
