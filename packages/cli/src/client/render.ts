import { ago, status, table } from './output.js';

type Row = Record<string, any>;
/** A field in either casing (the server may answer snake_case or camelCase). */
export const get = (record: Row, camel: string): any => record[camel] ?? record[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];

export const actorsTable = (actors: Row[]) =>
  table(['ID', 'NAME', 'IMAGE', 'STATUS', 'OWNER', 'CREATED'], actors.map((a) => [a.id, a.name ?? '', a.image, status(a.status), a.owner, ago(get(a, 'createTime'))]));

export const executionsTable = (executions: Row[]) =>
  table(['ID', 'STATUS', 'RECEIVED', 'STARTED', 'FINISHED'], executions.map((e) => [e.id, status(e.status), ago(get(e, 'messageReceivedTime')), ago(get(e, 'startTime')), ago(get(e, 'finishTime'))]));

export const workersTable = (workers: Row[]) =>
  table(['ID', 'STATUS', 'IMAGE', 'LOCATION', 'CREATED', 'LAST EXECUTION'], workers.map((w) => [w.id, status(w.status), w.image, w.location, ago(get(w, 'createTime')), ago(get(w, 'lastExecutionTime'))]));

export const aliasesTable = (aliases: Row[]) => table(['ALIAS', 'ACTOR', 'OWNER'], aliases.map((a) => [a.alias, get(a, 'actorId'), a.owner]));

export const noncesTable = (nonces: Row[]) =>
  table(['ID', 'LEVEL', 'USES', 'REMAINING', 'DESCRIPTION', 'CREATED'], nonces.map((n) => [n.id, n.level, String(get(n, 'currentUses')), get(n, 'maxUses') === -1 ? 'unlimited' : String(get(n, 'remainingUses')), n.description, ago(get(n, 'createTime'))]));

export const configsTable = (configs: Row[]) => table(['NAME', 'SECRET', 'ACTORS', 'OWNER'], configs.map((c) => [c.name, String(get(c, 'isSecret')), c.actors, c.owner ?? '']));

export const permissionsTable = (permissions: Record<string, string>) => table(['USER', 'LEVEL'], Object.entries(permissions).map(([user, level]) => [user, level]));
