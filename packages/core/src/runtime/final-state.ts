import type { FinalState } from '../model/execution.js';

/** A Docker-shaped `State` of an exited container, for runtimes that do not report one. */
export function exitedState(exitCode: number, startedAt: Date, finishedAt: Date, oomKilled = false, error = ''): FinalState {
  return {
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: oomKilled,
    Dead: false,
    Pid: 0,
    ExitCode: exitCode,
    Error: error,
    StartedAt: startedAt.toISOString(),
    FinishedAt: finishedAt.toISOString(),
  };
}
