/** Requests to VetOS support: the contract's support.* onto the requests service (src-main/support/requests.ts). */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

type SupportMethod = Extract<keyof Handlers, `support.${string}`>

export function supportHandlers(s: Services): Pick<Handlers, SupportMethod> {
  return {
    'support.requestPreview': (i) => s.support.preview(i),
    'support.requestSend': (i, ctx) => s.support.send(who(ctx), i),
    'support.requests': (i) => s.support.list(i.limit)
  }
}
