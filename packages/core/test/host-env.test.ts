import t from 'tap';
import { isHostLoaderVariable } from '../src/index.js';

t.test('isHostLoaderVariable: names that change how host programs load or start', async (t) => {
  const loader = [
    'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'BASH_ENV', 'ENV', 'BASH_FUNC_ls%%', 'SHELLOPTS',
    'BASHOPTS', 'PS4', 'IFS', 'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONWARNINGS', 'PERL5LIB',
    'PERL5OPT', 'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'GCONV_PATH',
    'GLIBC_TUNABLES', 'MALLOC_CHECK_', 'LOCPATH', 'HOSTALIASES', 'RESOLV_HOST_CONF', 'OPENSSL_CONF', 'PATH', 'HOME',
  ];
  for (const name of loader) t.ok(isHostLoaderVariable(name), name);
  const ordinary = ['MSG', 'LANG', 'TZ', 'TMPDIR', 'NODE_ENV', 'ld_preload', 'path', 'Path', 'MY_LD_PRELOAD', 'ENVIRONMENT', 'xPYTHONPATH', '_abaco_actor_id', 'key1'];
  for (const name of ordinary) t.notOk(isHostLoaderVariable(name), name);
});
