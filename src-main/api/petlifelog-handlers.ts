/** PetLifeLog's handlers: the contract's petlifelog.* onto the registry client kept here (proveniq/petlifelog.ts). */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

type PetLifeLogMethod = Extract<keyof Handlers, `petlifelog.${string}`>

export function petlifelogHandlers(s: Services): Pick<Handlers, PetLifeLogMethod> {
  return {
    // These wait on PetLifeLog: the dispatcher hands their promise to the host.
    'petlifelog.lookup': ({ chip }, ctx) => s.petlifelog.lookup(who(ctx), chip),
    'petlifelog.register': ({ patientId, shareContact }, ctx) => s.petlifelog.register(who(ctx), patientId, shareContact),
    'petlifelog.status': ({ patientId }) => s.petlifelog.status(patientId),
    'petlifelog.setOptOut': ({ patientId, optOut }, ctx) => s.petlifelog.setOptOut(who(ctx), patientId, optOut)
  }
}
