// The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
// server whose engine runs actors as processes: sign in, register an actor, send it a message and
// watch its logs arrive, open the activity charts, share the actor with a second user who then
// sees it, while a stranger sees nothing of it. Saves docs/console.png for the README.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Abaco, ProcessRuntime } from '@abaco/core';
import { buildServer } from '@abaco/http';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../docs/console.png', import.meta.url));

const users = {
  'alice-token': { user: 'alice', tenant: 'TACC', roles: ['user' as const] },
  'bob-token': { user: 'bob', tenant: 'TACC', roles: ['user' as const] },
  'sam-token': { user: 'sam', tenant: 'TACC', roles: ['user' as const] },
  'root-token': { user: 'root', tenant: 'TACC', roles: ['admin' as const] },
};

/** A real server on a loopback port, actors run as host processes; closed when the test ends. */
async function serve(t: Test): Promise<string> {
  const abaco = await Abaco.open({
    runtime: new ProcessRuntime({ images: { 'test/greeter': ['sh', '-c', 'echo "hello $MSG"; sleep 3; echo "still here"; sleep 1; echo "goodbye"'] } }),
    logger: pino({ level: 'error' }),
    settings: { autoscaleIntervalMs: 0, cronIntervalMs: 0, workerPollMs: 200 },
  });
  const app = await buildServer(abaco, { tokens: users });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await abaco.close({ kill: true });
  });
  return url;
}

/** A page of a fresh browser context (its own session storage), with every console error and failed request kept. */
async function open(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  // Refused requests are logged by the browser too: those are the API's answers, not problems of the page.
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${url}/console`);
  return { page, problems };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Actors' }).waitFor();
}

const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI) t.fail(`In CI Chromium must be installed at ${CHROMIUM} (source .ci/chromium.sh)`);
else t.test('the console in a browser', missing ? { skip: `no Chromium at ${CHROMIUM} (apt-get install chromium)` } : { timeout: 240_000 }, async (t) => {
  const url = await serve(t);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  t.teardown(() => browser.close());

  const index = await fetch(`${url}/console/index.html`);
  t.match(index.headers.get('content-security-policy'), /default-src 'self'.*script-src 'self'/, 'the console is served with a CSP that loads nothing from elsewhere');

  const alice = await open(browser, url);
  const { page } = alice;
  await signIn(page, 'alice-token');
  t.notMatch(page.url(), /alice-token/, 'the token is not in the URL');

  // Register an actor; a refusal of the server is shown on the field it names.
  await page.getByRole('button', { name: 'New actor' }).click();
  await page.getByLabel('image (required)').fill('test/greeter');
  await page.getByLabel('name', { exact: true }).fill('greeter');
  await page.getByLabel('default environment').fill('3');
  await page.getByRole('button', { name: 'Create actor' }).click();
  await page.locator('#field-default_environment-error').waitFor();
  t.match(await page.locator('#field-default_environment-error').textContent(), /default environment: must be object/, "the server's refusal is shown on its field");
  t.equal(await page.getByLabel('default environment').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
  await page.getByLabel('default environment').fill('{"GREETING": "hi"}');
  await page.getByRole('button', { name: 'Create actor' }).click();
  await page.getByRole('heading', { name: 'greeter' }).waitFor();
  const actorId = decodeURIComponent(page.url().split('/').pop()!);
  t.match(actorId, /^\w+$/, `the actor page opened (${actorId})`);

  // Edit it: a description set, then emptied again, is saved each time.
  const description = async () => ((await (await fetch(`${url}/actors/v2/${actorId}`, { headers: { authorization: 'Bearer alice-token' } })).json()) as { result: { description: string } }).result.description;
  for (const text of ['greets whoever writes', '']) {
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('description', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    t.equal(await description(), text, `the description is now '${text}'`);
  }

  // Send a message, follow the execution, and watch its logs come while it runs.
  await page.getByLabel('Message', { exact: true }).fill('world');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.answer').getByRole('link').click();
  const logs = page.getByLabel('Execution logs');
  await page.getByText('hello world').waitFor();
  const whileRunning = await page.getByText('Following the output as it is written').isVisible();
  await page.getByText('The execution has ended.').waitFor();
  t.ok(whileRunning, 'the first line was shown while the execution still ran');
  t.equal(await logs.textContent(), 'hello world\nstill here\ngoodbye\n', 'the whole log, each piece once, in order');
  await page.getByText('COMPLETE').first().waitFor();

  // The activity charts.
  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByText('Messages and executions per minute, last 60 minutes').waitFor();
  t.equal(await page.locator('figure.chart canvas').count(), 2, 'two charts are drawn');
  t.match(await page.getByRole('img', { name: /Messages and executions per minute/ }).getAttribute('aria-label'), /1 queued, 1 complete, 0 error/, 'the chart counts the message and its execution');
  t.match(await page.getByRole('table', { name: 'Workers and queues per actor' }).textContent(), /greeter/, 'workers and queues per actor');

  // Share the actor with bob (READ).
  await page.goto(`${url}/console/index.html#/actors/${actorId}`);
  await page.getByLabel('User').fill('bob');
  await page.getByLabel('Level').first().selectOption('READ');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByText('bob: READ').waitFor();
  mkdirSync(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  t.same(alice.problems, [], 'no script error and nothing refused by the CSP');

  // A nonce of the actor, made here, signs another browser in to that actor alone.
  const nonces = page.getByRole('region', { name: 'Nonces' });
  await nonces.getByRole('button', { name: 'Create nonce' }).click();
  const nonce = (await nonces.locator('li .mono').first().textContent())!;
  const guest = await open(browser, url);
  await guest.page.getByLabel('a nonce').check();
  await guest.page.getByLabel('Nonce', { exact: true }).fill(nonce);
  await guest.page.getByLabel('Actor id or alias').fill(actorId);
  await guest.page.getByRole('button', { name: 'Sign in' }).click();
  await guest.page.getByRole('heading', { name: 'greeter' }).waitFor();
  await guest.page.getByRole('table').getByRole('link').first().waitFor();
  t.equal(await guest.page.getByRole('navigation', { name: 'Main' }).count(), 0, 'a nonce session shows its actor alone, with its executions');

  // Bob sees it in his list and can open it and its execution.
  const bob = await open(browser, url);
  await signIn(bob.page, 'bob-token');
  await bob.page.getByRole('link', { name: 'greeter' }).click();
  await bob.page.getByRole('heading', { name: 'greeter' }).waitFor();
  await bob.page.getByRole('table').getByRole('link').first().click();
  await bob.page.getByText('goodbye').waitFor();
  t.pass('bob, once shared with, sees the actor and its logs');

  // Sam, a stranger, sees nothing of it: not in his list, not in his activity, not by its id.
  const sam = await open(browser, url);
  await signIn(sam.page, 'sam-token');
  await sam.page.getByText('No actors yet.').waitFor();
  await sam.page.getByRole('link', { name: 'Activity' }).click();
  await sam.page.getByText('Now: 0 messages queued, 0 workers.').waitFor();
  t.notMatch(await sam.page.locator('main').textContent(), /greeter/, "the stranger's activity does not show it");
  await sam.page.goto(`${url}/console/index.html#/actors/${actorId}`);
  await sam.page.getByRole('alert').waitFor();
  t.match(await sam.page.getByRole('alert').textContent(), /not authorized|not found/i, 'opening it by its id is refused');
  t.notMatch(await sam.page.locator('main').textContent(), /greeter|test\/greeter/, 'and shows nothing of it');

  // Sign out forgets the token.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  t.equal(await page.evaluate('sessionStorage.length'), 0, 'signing out leaves nothing in the session storage');

  // A phone-sized screen: the actors page fits its width.
  const phone = await open(browser, url, { width: 390, height: 844 });
  await signIn(phone.page, 'alice-token');
  await phone.page.getByRole('link', { name: 'greeter' }).waitFor();
  t.ok(await phone.page.evaluate('document.documentElement.scrollWidth <= innerWidth + 1'), 'no sideways scrolling of the page on a phone');
});
