# abacosamples/sleep_loop: sleeps `sleep` seconds (default 1), `iterations` times (default 100),
# printing a line at each, until done or halted. Both come from a JSON message
# ({"iterations": 5, "sleep": 0.5}: its JSON text is in _abaco_raw_message, or MSG when sent as
# text) or else from variables (query parameters of the message).
import json
import os
import sys
import time

try:
    message = json.loads(os.environ.get('_abaco_raw_message', os.environ.get('MSG', '')))
except ValueError:
    message = None
given = message if isinstance(message, dict) else {}


def setting(name, default, kind, most, what):
    value = given.get(name, os.environ.get(name, default))
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= most:
        sys.exit('sleep_loop: %s must be %s from 0 to %s, not %r' % (name, what, most, value))
    return number


iterations = setting('iterations', 100, int, 1000000, 'a whole number')
seconds = setting('sleep', 1, float, 3600, 'a number of seconds')
print('Sleeping %s seconds, %d times.' % (seconds, iterations))
for i in range(1, iterations + 1):
    time.sleep(seconds)
    print('Iteration %d of %d done.' % (i, iterations))
print('Sleep loop finished.')
