export { AbacoClient } from './client.js';
export { AbacoError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError, type FailedRequest } from './errors.js';
export type { ClientOptions, Credentials, Envelope, Query } from './transport.js';
export type { Message, SendOptions } from './resources/messages.js';
export type * from './records.js';
export { AbacoExecutor, NODE_FUNC_IMAGE, type ExecutorOptions } from './executor.js';
export { AbacoFuture } from './executor-future.js';
export { CancelledError, NoResultError, RemoteError, ResultFormatError, type RemoteFailure } from './executor-errors.js';
