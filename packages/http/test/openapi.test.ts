import t, { type Test } from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { POLICY } from '@abaco/core';
import { buildServer } from '../src/server.js';
import type { ServerOptions } from '../src/options.js';
import { engine } from './helpers.js';

/** The server and its document as read, without a token, from `/actors/v2/openapi.json`. */
async function documented(t: Test, options: ServerOptions = {}) {
  const app = await buildServer(await engine(t), options);
  t.teardown(() => app.close());
  const answer = await app.inject({ method: 'GET', url: '/actors/v2/openapi.json' });
  return { app, answer, doc: answer.json() };
}

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

t.test('the document is OpenAPI 3.1 that a validator accepts, served to anyone under each prefix', async (t) => {
  const { app, answer, doc } = await documented(t);
  t.equal(answer.statusCode, 200, 'no token needed');
  t.match(answer.headers['content-type'], /application\/json/);
  t.equal(doc.openapi, '3.1.0');
  const verdict = await new Validator().validate(doc);
  t.same(verdict.errors, undefined, 'no validation errors');
  t.ok(verdict.valid, 'valid OpenAPI 3.1');
  for (const url of ['/actors/openapi.json', '/v3/actors/openapi.json']) {
    const other = await app.inject({ method: 'GET', url });
    t.equal(other.statusCode, 200, `${url} is served`);
    t.same(other.json(), doc, `${url} is the same document`);
  }
});

t.test('every route of the server is in the document with its method, at each path it is served at', async (t) => {
  const { app, doc } = await documented(t);
  const missing: string[] = [];
  for (const route of app.abacoRoutes) {
    for (const url of route.urls) if (!doc.paths[openapiPath(url)]?.[route.method.toLowerCase()]) missing.push(`${route.method} ${url}`);
  }
  t.same(missing, [], 'nothing missing');
  t.ok(app.abacoRoutes.length >= 50, `${app.abacoRoutes.length} routes checked`);
});

t.test('an operation says what its route reads and who may call it, from the policy and core schemas', async (t) => {
  const { app, doc } = await documented(t);
  t.same(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'nonce', 'tapisToken']);
  t.match(doc.components.securitySchemes, { bearer: { type: 'http', scheme: 'bearer' }, tapisToken: { in: 'header', name: 'X-Tapis-Token' }, nonce: { in: 'query', name: 'x-nonce' } });

  const create = doc.paths['/actors/v2'].post;
  const actor = create.requestBody.content['application/json'].schema;
  t.same(actor.required, ['image'], 'image is required');
  t.match(actor.properties, { max_workers: { minimum: 1 }, mem_limit: { pattern: String }, cron_schedule: {} }, 'fields in the server casing with their rules');
  t.ok(create.responses['201'], 'registering answers 201');
  t.same(create.security, [{ bearer: [] }, { tapisToken: [] }], 'a nonce cannot register an actor');

  const send = doc.paths['/actors/v2/{actorId}/messages'].post;
  t.same(send.security, [{ bearer: [] }, { tapisToken: [] }, { nonce: [] }], 'a nonce may send a message');
  t.same(Object.keys(send.requestBody.content).sort(), ['application/json', 'application/octet-stream', 'application/x-www-form-urlencoded']);
  t.ok(send.parameters.some((p: { name: string; in: string }) => p.name === '_abaco_synchronous' && p.in === 'query'));
  t.ok(send.parameters.some((p: { name: string; in: string; required: boolean }) => p.name === 'actorId' && p.in === 'path' && p.required));

  const schemes = (url: string, method: string) => doc.paths[url][method].security.map((s: object) => Object.keys(s)[0]);
  for (const route of app.abacoRoutes) {
    t.equal(schemes(openapiPath(route.url), route.method.toLowerCase()).includes('nonce'), POLICY[route.action].nonce, `${route.method} ${route.url}: a nonce as the policy says`);
  }
  const results = doc.paths['/actors/v2/{actorId}/executions/{executionId}/results'].get;
  t.ok(results.responses['200'].content['application/octet-stream'], 'results are bytes');
  t.match(doc.paths['/actors/v2/{actorId}/executions'].get.parameters, [{ name: 'limit' }, { name: 'skip' }, { name: 'search' }, { name: 'exactsearch' }, { name: 'actorId' }]);

  t.equal(doc.paths['/v3/actors/{actorId}'].get.responses['200'].$ref ?? doc.paths['/v3/actors/{actorId}'].get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/EnvelopeV3');
  t.ok(doc.components.schemas.EnvelopeV3.properties.metadata, "v3's envelope has metadata");
  t.notOk(doc.components.schemas.EnvelopeV2.properties.metadata, "v2's has none");
  t.same(doc.paths['/actors/v2/openapi.json'].get.security, [], 'the document needs no identity');
});

t.test('a server showing camelCase documents camelCase fields', async (t) => {
  const { doc } = await documented(t, { casing: 'camel' });
  const alias = doc.paths['/actors/v2/aliases'].post.requestBody.content['application/json'].schema;
  t.same(alias.required, ['alias', 'actorId']);
  t.ok(doc.paths['/actors/v2/configs'].post.requestBody.content['application/json'].schema.properties.isSecret);
});

t.test('what the document says a field accepts is what the server accepts', async (t) => {
  const { app, doc } = await documented(t, { tokens: { 't-alice': { user: 'alice', tenant: 'TACC', roles: ['user'] } } });
  t.equal(doc.paths['/actors/v2'].post.requestBody.content['application/json'].schema.properties.max_workers.minimum, 1);
  const refused = await app.inject({ method: 'POST', url: '/actors/v2', headers: { authorization: 'Bearer t-alice' }, payload: { image: 'x', max_workers: 0 } });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().message, /max_workers/, 'the refusal names the field');
});
