import type { ApiErrorBody, ErrorCode } from '../../src-preload/contract'

/** An error meant for the user: a stable code and a message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ApiErrorBody['issues'],
    readonly duplicates?: ApiErrorBody['duplicates']
  ) {
    super(message)
  }
}

export const notFound = (what: string): ApiError => new ApiError('not-found', `${what} was not found`)
export const conflict = (message: string): ApiError => new ApiError('conflict', message)
