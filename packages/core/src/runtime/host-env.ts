/** Placeholder until the process-runtime change lands: the names of loader variables. */
export function isHostLoaderVariable(name: string): boolean {
  return /^(LD_|BASH_ENV$|ENV$|NODE_OPTIONS$|PYTHON|PERL5)/.test(name);
}
