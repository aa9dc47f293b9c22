/**
 * Environment variables that change how a host program loads or starts: which libraries the dynamic
 * loader maps, which code a shell or an interpreter runs before the program's own, where commands and
 * start-up files are looked up. In a container they only touch that container; given to a host
 * process (the process runtime) they let whoever sets them run their own code in the program that
 * starts. Names are matched case-sensitively, as the loader and the programs read them.
 *
 * Left out on purpose: `TMPDIR` (glibc drops it for setuid programs because they would write with
 * rights their caller lacks, but an actor's programs run with the actor's own rights, write where
 * that user may anyway, and load no code from it; HPC users set it to a scratch folder), and
 * variables of single tools (`GIT_*`, `PAGER`...) which a program only reads when it runs that tool.
 */
const NAMES = new Set([
  // What glibc drops from the environment of setuid programs (sysdeps/generic/unsecvars.h), less TMPDIR.
  'GCONV_PATH', 'GETCONF_DIR', 'GLIBC_TUNABLES', 'HOSTALIASES', 'LOCALDOMAIN', 'LOCPATH', 'NIS_PATH',
  'NLSPATH', 'RESOLV_HOST_CONF', 'RES_OPTIONS', 'TZDIR',
  // Shells: start-up files, options, function definitions, tracing and word splitting.
  'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'IFS', 'ZDOTDIR',
  // Where commands, start-up and configuration files are found (the runtime gives the host's PATH).
  'PATH', 'HOME', 'XDG_CONFIG_HOME',
  // OpenSSL reads its configuration, which may load modules, when a program starts using it (Node, Python).
  'OPENSSL_CONF', 'OPENSSL_ENGINES', 'OPENSSL_MODULES',
  // Interpreters' options and module search paths.
  'NODE_OPTIONS', 'NODE_PATH', 'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'RUBYPATH',
  'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH',
]);

/**
 * Prefixes of such families: the dynamic loader (`LD_PRELOAD`, `LD_LIBRARY_PATH`, `LD_AUDIT`...; `DYLD_`
 * on macOS), glibc's allocator tunables, bash's exported functions (`BASH_FUNC_name%%`), and every
 * start-up variable of Python and Perl 5.
 */
const PREFIXES = ['LD_', 'DYLD_', 'MALLOC_', 'BASH_FUNC_', 'PYTHON', 'PERL5'];

/**
 * Whether `name` is an environment variable that changes how host programs load or start
 * (`LD_PRELOAD`, `BASH_ENV`, `NODE_OPTIONS`, `PYTHONPATH`, `PATH`...). The one list of them: the
 * process runtime drops them from a container's environment, and the engine checks actors' and
 * messages' variables against it.
 */
export function isHostLoaderVariable(name: string): boolean {
  return NAMES.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix));
}
