import type { Router } from '../route.js';

const escape = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Routes at the root, for operators: one cron pass on demand, and the admin dashboard (HTML). */
export function rootRoutes(r: Router): void {
  r.route('GET', '/cron', { action: 'tenant.admin' }, async (c) => {
    const ran = await c.abaco.cron.tickAs(c.who);
    return c.ok(`Cron pass done: ${ran.length} actor(s) got their cron message.`, c.present.cased({ actorIds: ran }));
  });

  r.route('GET', '/admin/dashboard', { action: 'tenant.admin' }, async (c) => {
    const reports = await c.abaco.reports.actors(c.who);
    const rows = reports
      .map(({ actor, workers, messages }) => `<tr><td>${escape(actor.id)}</td><td>${escape(actor.name)}</td><td>${escape(actor.image)}</td><td>${escape(actor.status)}</td><td>${escape(actor.owner)}</td><td>${workers.length}</td><td>${messages}</td></tr>`)
      .join('\n');
    const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Abaco dashboard</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head>
<body><h1>Abaco: tenant ${escape(c.who.tenant)}</h1>
<p>${reports.length} actors, ${reports.reduce((n, x) => n + x.workers.length, 0)} workers, ${reports.reduce((n, x) => n + x.messages, 0)} queued messages.</p>
<table><tr><th>Actor</th><th>Name</th><th>Image</th><th>Status</th><th>Owner</th><th>Workers</th><th>Queued</th></tr>
${rows}
</table></body></html>`;
    return c.reply.type('text/html; charset=utf-8').send(html);
  });
}
