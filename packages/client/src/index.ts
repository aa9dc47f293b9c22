export { AbacoClient } from './client.js';
export { AbacoError, BadRequestError, ForbiddenError, NotFoundError, UnauthenticatedError, type FailedRequest } from './errors.js';
export type { ClientOptions, Credentials, Query } from './transport.js';
export type { Message, SendOptions } from './resources/messages.js';
export type * from './records.js';
