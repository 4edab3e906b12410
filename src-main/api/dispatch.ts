import { z } from 'zod'
import { contract, isMethodName, type ApiErrorBody, type ApiResponse } from '../../src-preload/contract'
import { issuesMessage, plainMessage } from '../../src-preload/contract/plain-errors'
import type { Actor } from '../domain/actor'
import { ApiError } from './errors'
import type { Handlers } from './handler-types'

/** At once, or later for a method that waits on an outside service (a PetLifeLog lookup). */
export type Answer = ApiResponse<unknown> | Promise<ApiResponse<unknown>>

export interface Dispatcher {
  (method: unknown, input: unknown, token: string | null): Answer
}

export interface DispatchDeps {
  handlers: Handlers
  resolveSession(token: string): Actor | null
  onInternalError(method: string, error: unknown): void
  /**
   * The core's own field checks on input the schema refused (a birth date in the future beside an
   * empty name): a form then shows every problem at once. Only issues; never writes.
   */
  alsoCheck?(method: string, input: unknown): Issue[]
}

type Issue = { path: string; message: string }

/**
 * The single entry for every call from a renderer, whichever host carried it: the method
 * must exist, the input must parse against its schema, the caller must hold a session with
 * a permitted role. Failures come back as data with a stable code, never as a thrown stack.
 */
export function createDispatcher(deps: DispatchDeps): Dispatcher {
  return (method, input, token) => {
    try {
      if (!isMethodName(method)) throw new ApiError('unknown-method', `There is no API method called ${JSON.stringify(method)}`)
      const def = contract[method]
      let actor: Actor | null = null
      if (def.access !== 'public') {
        actor = token ? deps.resolveSession(token) : null
        if (!actor) throw new ApiError('unauthenticated', 'Your session has ended; sign in again')
        if (def.access !== 'any' && !(def.access as readonly string[]).includes(actor.role)) {
          throw new ApiError('forbidden', `Your role (${actor.role.replace('_', ' ')}) may not do this`)
        }
      }
      const parsed = def.input.safeParse(input ?? {})
      if (!parsed.success) throw invalidInput(parsed.error, safely(() => deps.alsoCheck?.(method, input) ?? []))
      const handler = deps.handlers[method] as (i: unknown, ctx: { actor: Actor | null; token: string | null }) => unknown
      const result = handler(parsed.data, { actor, token })
      // Its failure is an error body like any other, never a rejected call.
      if (result instanceof Promise) return result.then((r: unknown) => ({ ok: true as const, result: r }), (e: unknown) => ({ ok: false as const, error: toErrorBody(method, e, deps.onInternalError) }))
      return { ok: true, result }
    } catch (e) {
      return { ok: false, error: toErrorBody(method, e, deps.onInternalError) }
    }
  }
}

/** The extra checks are a courtesy to the form: one that throws on odd input is ignored. */
function safely(f: () => Issue[]): Issue[] {
  try {
    return f()
  } catch {
    return []
  }
}

function invalidInput(error: z.ZodError, extra: Issue[]): ApiError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: plainMessage(i) }))
  for (const e of extra) if (!issues.some((i) => i.path === e.path)) issues.push(e)
  return new ApiError('invalid-input', issuesMessage(issues), issues)
}

function toErrorBody(method: unknown, e: unknown, onInternalError: DispatchDeps['onInternalError']): ApiErrorBody {
  if (e instanceof ApiError) return { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}), ...(e.duplicates ? { duplicates: e.duplicates } : {}) }
  onInternalError(String(method), e)
  return { code: 'internal-error', message: 'Something went wrong on this workstation; the error was logged' }
}

/** HTTP status for an error code (hub). */
export function httpStatus(code: ApiErrorBody['code']): number {
  switch (code) {
    case 'invalid-input':
      return 400
    case 'unknown-method':
    case 'not-found':
      return 404
    case 'unauthenticated':
      return 401
    case 'forbidden':
    case 'consent-refused':
      return 403
    case 'conflict':
    case 'needs-confirmation':
      return 409
    default:
      return 500
  }
}
