import type { AliasRecord, ConfigRecord, ExecutionRecord, NonceRecord, Permissions, SearchRecords, WorkerRecord } from '@abaco/client';
import { ago, status, table } from './output.js';

export const actorsTable = (actors: SearchRecords['actors'][]) =>
  table(['ID', 'NAME', 'IMAGE', 'STATUS', 'OWNER', 'CREATED'], actors.map((a) => [a.id, a.name ?? '', a.image, status(a.status), a.owner, ago(a.createTime)]));

export const executionsTable = (executions: Pick<ExecutionRecord, 'id' | 'status' | 'messageReceivedTime' | 'startTime' | 'finishTime'>[]) =>
  table(['ID', 'STATUS', 'RECEIVED', 'STARTED', 'FINISHED'], executions.map((e) => [e.id, status(e.status), ago(e.messageReceivedTime), ago(e.startTime), ago(e.finishTime)]));

export const workersTable = (workers: Omit<WorkerRecord, 'tenant'>[]) =>
  table(['ID', 'STATUS', 'IMAGE', 'LOCATION', 'CREATED', 'LAST EXECUTION'], workers.map((w) => [w.id, status(w.status), w.image, w.location, ago(w.createTime), ago(w.lastExecutionTime)]));

export const aliasesTable = (aliases: AliasRecord[]) => table(['ALIAS', 'ACTOR', 'OWNER'], aliases.map((a) => [a.alias, a.actorId, a.owner]));

export const noncesTable = (nonces: NonceRecord[]) =>
  table(['ID', 'LEVEL', 'USES', 'REMAINING', 'DESCRIPTION', 'CREATED'], nonces.map((n) => [n.id, n.level, String(n.currentUses), n.maxUses === -1 ? 'unlimited' : String(n.remainingUses), n.description, ago(n.createTime)]));

export const configsTable = (configs: ConfigRecord[]) => table(['NAME', 'SECRET', 'ACTORS', 'OWNER'], configs.map((c) => [c.name, String(c.isSecret), c.actors, c.owner ?? '']));

export const permissionsTable = (permissions: Permissions) => table(['USER', 'LEVEL'], Object.entries(permissions).map(([user, level]) => [user, level]));
