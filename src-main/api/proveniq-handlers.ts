/** The PROVENIQ network's handlers: the contract's proveniq.* onto the PetMayday list kept here. */
import type { Services } from '../app'
import type { Handlers } from './handler-types'

type ProveniqMethod = Extract<keyof Handlers, `proveniq.${string}`>

export function proveniqHandlers(s: Services): Pick<Handlers, ProveniqMethod> {
  return {
    // Unknown patients answer "not found" as every patient read does; matches come from the local list, so offline too.
    'proveniq.missingMatches': ({ patientId }) => {
      s.patients.row(patientId)
      return s.missingAlerts.matchesFor(patientId)
    }
  }
}
