/** What a handler is: the validated input and the caller, to the method's output. */
import type { z } from 'zod'
import type { Contract, MethodName, MethodOutput } from '../../src-preload/contract'
import type { Actor } from '../domain/actor'
import { ApiError } from './errors'

export interface CallContext {
  /** null only for public methods */
  actor: Actor | null
  token: string | null
}

export type Handlers = {
  // A method that waits on an outside service (PROVENIQ) answers with a promise.
  [M in MethodName]: (input: z.output<Contract[M]['input']>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>
}

/** The signed-in caller of a method that needs one. */
export const who = (ctx: CallContext): Actor => {
  if (!ctx.actor) throw new ApiError('unauthenticated', 'Sign in first')
  return ctx.actor
}
