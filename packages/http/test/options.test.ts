import t from 'tap';
import { resolveOptions } from '../src/options.js';

t.test('an option given as undefined (a flag left out) takes its default', async (t) => {
  const options = resolveOptions({ corsOrigins: undefined, maxMessageBytes: undefined, casing: 'camel' });
  t.same(options.corsOrigins, [], 'no CORS origin, not an invalid one');
  t.equal(options.maxMessageBytes, 500 * 1024 * 1024);
  t.equal(options.casing, 'camel');
});
