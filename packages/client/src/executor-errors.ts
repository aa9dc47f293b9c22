/** What a remote call threw, as the runner reported it. */
export interface RemoteFailure {
  name: string;
  message: string;
  stack: string;
}

/**
 * The function threw inside the runner (or its result could not travel: not JSON, past
 * `maxResultBytes`). `remoteName`, `message` and `remoteStack` are the remote error's; `stack` is
 * this process's.
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly remoteName: string;
  readonly remoteStack: string;

  constructor(
    failure: RemoteFailure,
    /** The execution that ran the call. */
    readonly executionId: string,
  ) {
    super(failure.message);
    this.remoteName = failure.name;
    this.remoteStack = failure.stack;
  }
}

/** The call was cancelled (its execution halted) or its executor closed before it answered. */
export class CancelledError extends Error {
  override name = 'CancelledError';

  constructor(
    message: string,
    readonly executionId: string,
  ) {
    super(message);
  }
}

/**
 * The execution ended without sending a result (the process was killed, ran out of memory, called
 * `process.exit`, or the image is not a function runner), or its result is no longer there (results
 * are kept 60 minutes and each is read once).
 */
export class NoResultError extends Error {
  override name = 'NoResultError';

  constructor(
    message: string,
    readonly executionId: string,
  ) {
    super(message);
  }
}

/** The execution's results are not what a function runner sends (a bad header, a part out of order, a size past the limit). */
export class ResultFormatError extends Error {
  override name = 'ResultFormatError';

  constructor(
    message: string,
    readonly executionId: string,
  ) {
    super(message);
  }
}
