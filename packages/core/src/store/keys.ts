/**
 * Every key of the store is built here, so the layout can be read in one place. All records of a
 * tenant live under `t/<tenant>/`; ids, aliases and config names never contain '/'.
 */
const t = (tenant: string) => `t/${tenant}/`;

export const keys = {
  actor: (tenant: string, id: string) => `${t(tenant)}actor/${id}`,
  actors: (tenant: string) => `${t(tenant)}actor/`,
  state: (tenant: string, actorId: string) => `${t(tenant)}state/${actorId}`,
  alias: (tenant: string, alias: string) => `${t(tenant)}alias/${alias}`,
  aliases: (tenant: string) => `${t(tenant)}alias/`,
  nonce: (tenant: string, nonceId: string) => `${t(tenant)}nonce/${nonceId}`,
  nonces: (tenant: string) => `${t(tenant)}nonce/`,
  config: (tenant: string, name: string) => `${t(tenant)}config/${name}`,
  configs: (tenant: string) => `${t(tenant)}config/`,
  permissions: (tenant: string, kind: PermissionKind, name: string) => `${t(tenant)}perm/${kind}/${name}`,
};

/** The kinds of record that carry their own permissions. */
export type PermissionKind = 'actor' | 'alias' | 'config';
