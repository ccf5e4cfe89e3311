/** A failure that maps to Port's error envelope; thrown by domain rules and services, rendered once in app.ts. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found`);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const invalid = (message: string) => new ApiError(422, 'invalid_request', message);
export const runExhausted = (message: string) => new ApiError(422, 'run_exhausted', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
/** [ext] 409: the act needs a workflow that has been deleted since (a re-run of its run). */
export const workflowDeleted = (message: string) => new ApiError(409, 'workflow_deleted', message);

/** 429 with the seconds to wait, sent as `Retry-After` (app.ts). */
export class RateLimited extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, 'rate_limited', message);
  }
}
