/** Today's handler: the home screen's overview, as the signed-in person sees it. */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

type TodayMethod = Extract<keyof Handlers, `today.${string}`>

export function todayHandlers(s: Services): Pick<Handlers, TodayMethod> {
  return {
    'today.overview': (_i, ctx) => s.today.overview(who(ctx).id)
  }
}
