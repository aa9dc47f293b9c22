import type { InputOf, InputSchema } from './validate.js';

export type ActorStatus = 'SUBMITTED' | 'READY' | 'ERROR' | 'SHUTTING_DOWN';

/** A bind mount into every container of an actor. Keys stay snake_case, as upstream shows them. */
export interface Mount {
  host_path: string;
  container_path: string;
  mode: 'ro' | 'rw';
}

/** An actor as stored (its state is a record of its own, see `ActorView`). */
export interface Actor {
  id: string;
  tenant: string;
  /** `<tenant>_<id>`, unique across tenants: upstream's `db_id`, injected as `_abaco_actor_dbid`. */
  dbId: string;
  name: string | null;
  image: string;
  description: string;
  stateless: boolean;
  /** Return type hint (none, bin, json); kept and shown, not interpreted, as upstream. */
  type: string;
  link: string;
  webhook: string;
  hints: string[];
  token: boolean;
  privileged: boolean;
  useContainerUid: boolean;
  runAsExecutor: boolean;
  maxWorkers: number | null;
  memLimit: string | null;
  /** CPU limit in nano-CPUs (1e9 = one CPU). */
  maxCpus: number | null;
  defaultEnvironment: Record<string, unknown>;
  queue: string;
  /** Seconds the logs of an execution are kept; null for the server default. */
  logEx: number | null;
  cronSchedule: string | null;
  cronOn: boolean;
  /** Next cron run, `YYYY-M-D H` (UTC, hour granularity) as upstream; an ISO time for five-field schedules. */
  cronNextEx: string | null;
  mounts: Mount[];
  tasdir: string | null;
  uid: string | null;
  gid: string | null;
  status: ActorStatus;
  statusMessage: string;
  revision: number;
  owner: string;
  apiServer: string;
  createTime: string;
  lastUpdateTime: string;
}

/** An actor as returned to callers: the stored record plus its current state. */
export interface ActorView extends Actor {
  state: unknown;
}

/**
 * Fields only admins and privileged users may set (tasdir: admins only), with upstream's refusal for
 * each, and whether a value counts as set. An actor with any of them set is a privileged actor: only privileged users
 * and admins may update it.
 */
export const PRIVILEGED_FIELDS: readonly [keyof Actor, (value: unknown) => boolean, string, ('privileged' | 'admin')?][] = [
  ['privileged', (v) => v === true, 'make privileged actors'],
  ['maxWorkers', (v) => v !== null && v !== undefined, 'set max workers'],
  ['maxCpus', (v) => v !== null && v !== undefined, 'set max CPUs'],
  ['memLimit', (v) => v !== null && v !== undefined, 'set mem limit'],
  ['useContainerUid', (v) => v === true, 'use container uid'],
  ['queue', (v) => v !== 'default' && v !== undefined, 'set queue'],
  ['uid', (v) => v !== null && v !== undefined, 'set uid'],
  ['gid', (v) => v !== null && v !== undefined, 'set gid'],
  ['tasdir', (v) => v !== null && v !== undefined, 'set tasdir', 'admin'], // filled into mount paths
];

/** Whether an actor is privileged or has a privileged field set. */
export function isPrivilegedActor(actor: Actor): boolean {
  return PRIVILEGED_FIELDS.some(([field, isSet]) => isSet(actor[field]));
}

/** The fields a caller may set when registering (POST) or updating (PUT) an actor. */
export const actorInputSchema = {
  type: 'object',
  required: ['image'],
  properties: {
    image: { type: 'string', minLength: 1, description: 'Reference to image on docker hub for this actor.' },
    name: { type: ['string', 'null'], maxLength: 256, description: 'User defined name for this actor.' },
    description: { type: 'string', maxLength: 4096, description: 'Description of this actor.' },
    stateless: { type: 'boolean', description: 'Whether the actor stores private state.' },
    type: { type: 'string', enum: ['none', 'bin', 'json'], description: 'Return type (none, bin, json).' },
    link: { type: 'string', description: 'Actor identifier of actor to link this actor\'s events to.' },
    webhook: { type: 'string', description: 'URL to publish this actor\'s events to.' },
    hints: { type: 'array', items: { type: ['string', 'number'] }, description: 'Hints for personal tagging or Abaco special hints.' },
    token: { type: 'boolean', description: 'Whether this actor requires an OAuth access token.' },
    privileged: { type: 'boolean', description: 'Whether this actor runs in privileged mode.' },
    useContainerUid: { type: 'boolean', description: 'Whether this actor runs as the UID set in the container image.' },
    runAsExecutor: { type: 'boolean', description: 'Whether this actor runs as the UID of the executor.' },
    maxWorkers: { type: ['integer', 'null'], minimum: 1, description: 'How many workers this actor is allowed at the same time.' },
    memLimit: { type: ['string', 'null'], pattern: '^[0-9]+(\\.[0-9]+)?[bkmgBKMG]?$', description: 'Memory limit in docker format, e.g. 512m or 2g.' },
    maxCpus: { type: ['integer', 'null'], minimum: 1, description: 'CPU limit in nano-CPUs (1000000000 is one CPU).' },
    defaultEnvironment: { type: 'object', description: 'A dictionary of default environmental variables and values.' },
    queue: { type: 'string', minLength: 1, description: 'The command channel that this actor uses.' },
    logEx: { type: ['integer', 'null'], minimum: 1, description: 'Seconds the logs of each execution are kept.' },
    cronSchedule: { type: ['string', 'null'], description: 'yyyy-mm-dd hh + <number> <unit of time>, or now + <number> <unit of time>.' },
    cronOn: { type: 'boolean', description: 'Whether the cron schedule is on.' },
    tasdir: { type: ['string', 'null'] },
    uid: { type: ['string', 'null'] },
    gid: { type: ['string', 'null'] },
    force: { type: 'boolean', description: 'Whether to force an update of the actor\'s image (PUT only).' },
  },
} as const satisfies InputSchema;

/** What actorInputSchema accepts, as a type (field names in camelCase). */
export type ActorInput = InputOf<typeof actorInputSchema>;

/** What an actor field is when the caller does not give it. */
export function actorDefaults(tokenDefault: boolean): Omit<Actor, 'id' | 'tenant' | 'dbId' | 'image' | 'owner' | 'apiServer' | 'createTime' | 'lastUpdateTime'> {
  return {
    name: null,
    description: '',
    stateless: true,
    type: 'none',
    link: '',
    webhook: '',
    hints: [],
    token: tokenDefault,
    privileged: false,
    useContainerUid: false,
    runAsExecutor: false,
    maxWorkers: null,
    memLimit: null,
    maxCpus: null,
    defaultEnvironment: {},
    queue: 'default',
    logEx: null,
    cronSchedule: null,
    cronOn: false,
    cronNextEx: null,
    mounts: [],
    tasdir: null,
    uid: null,
    gid: null,
    status: 'SUBMITTED',
    statusMessage: '',
    revision: 1,
  };
}
