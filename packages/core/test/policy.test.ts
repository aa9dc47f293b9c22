import { readFileSync } from 'node:fs';
import t from 'tap';
import { decide, identity, policyTable, POLICY, type Identity } from '../src/index.js';

const facts = { held: 'NONE' as const, nonceFits: false, privilegedActor: false };
const nonce = (level: 'READ' | 'EXECUTE' | 'UPDATE'): Identity => ({ ...identity('alice', 'TACC'), nonce: { id: 'TACC_n', level, actorId: 'a', alias: null } });

t.test('the README shows the policy table as the engine enforces it', async (t) => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  t.ok(readme.includes(policyTable()), 'README.md contains policyTable() verbatim (print it: node --input-type=module -e "import(\'@abaco/core\').then((m) => console.log(m.policyTable()))")');
});

t.test('roles come first: admin-only actions refuse everyone else, whatever they hold', async (t) => {
  t.match(decide(identity('alice', 'TACC'), 'workers.create', { ...facts, held: 'UPDATE' }), { reason: 'role', message: /only admins/ });
  t.equal(decide(identity('root', 'TACC', ['admin']), 'workers.create', { ...facts, held: 'UPDATE' }), null);
  t.equal(decide(identity('lim', 'TACC', ['limited']), 'actors.create', facts), null, 'limited users register actors, as upstream');
});

t.test('a nonce acts only where the table lets it, only for its own resource, only up to its level', async (t) => {
  t.match(decide(nonce('UPDATE'), 'actor.nonces.manage', { ...facts, held: 'UPDATE', nonceFits: true }), { reason: 'nonce' }, 'no nonce manages nonces');
  t.match(decide(nonce('UPDATE'), 'actor.permissions.grant', { ...facts, held: 'UPDATE', nonceFits: true }), { reason: 'nonce' }, 'no nonce grants permissions');
  t.match(decide(nonce('UPDATE'), 'actor.read', { ...facts, held: 'UPDATE', nonceFits: false }), { message: /not valid for this actor/ });
  t.match(decide(nonce('READ'), 'messages.send', { ...facts, held: 'UPDATE', nonceFits: true }), { message: 'Nonce does not have sufficient permissions level.' });
  t.equal(decide(nonce('EXECUTE'), 'messages.send', { ...facts, held: 'UPDATE', nonceFits: true }), null);
  t.match(decide(nonce('UPDATE'), 'actor.update', { ...facts, held: 'READ', nonceFits: true }), { reason: 'level' }, "a nonce never exceeds what its owner holds now");
});

t.test('a privileged actor is updated only by privileged users and admins', async (t) => {
  t.match(decide(identity('bob', 'TACC'), 'actor.update', { ...facts, held: 'UPDATE', privilegedActor: true }), { reason: 'role' });
  t.equal(decide(identity('pat', 'TACC', ['privileged']), 'actor.update', { ...facts, held: 'UPDATE', privilegedActor: true }), null);
  t.equal(decide(identity('bob', 'TACC'), 'messages.send', { ...facts, held: 'EXECUTE', privilegedActor: true }), null, 'running it needs no role');
});

t.test('every action of the table is on a resource kind and names what it does', async (t) => {
  for (const [action, rule] of Object.entries(POLICY)) {
    t.ok(rule.what.length > 0, action);
    t.equal(rule.level === null, rule.on === 'tenant', `${action}: a level exactly when on one resource`);
  }
});
