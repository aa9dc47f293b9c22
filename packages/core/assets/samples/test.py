# abacosamples/test and jstubbs/abaco_test: prints the message and the environment the execution got,
# one "NAME: value" line per variable, sorted. The values of credentials (the access token, configs
# that may hold secrets) are hidden: the logs are readable by whoever may read the actor.
import os

HIDDEN = {'_abaco_access_token', '_actor_configs'}

print('Contents of MSG: ' + os.environ.get('MSG', ''))
print('Environment:')
for name, value in sorted(os.environ.items()):
    print(name + ': ' + ('(hidden)' if name in HIDDEN and value else value))
