/** The PROVENIQ network's handlers: the contract's proveniq.* onto the PetMayday list kept here. */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

type ProveniqMethod = Extract<keyof Handlers, `proveniq.${string}` | `petmayday.${string}`>

export function proveniqHandlers(s: Services): Pick<Handlers, ProveniqMethod> {
  return {
    // Unknown patients answer "not found" as every patient read does; matches come from the local list, so offline too.
    'proveniq.missingMatches': ({ patientId }) => {
      s.patients.row(patientId)
      return s.missingAlerts.matchesFor(patientId)
    },
    // PetMayday from the desk: every exchange through the gated client (src-main/proveniq/petmayday.ts).
    'petmayday.reports': (i, ctx) => s.petmayday.reports(who(ctx), i),
    'petmayday.photo': (i, ctx) => s.petmayday.photo(who(ctx), i.reportId),
    'petmayday.reportMissing': (i, ctx) => s.petmayday.reportMissing(who(ctx), i),
    'petmayday.ownReports': (_i, ctx) => s.petmayday.ownReports(who(ctx)),
    'petmayday.setStatus': (i, ctx) => s.petmayday.setStatus(who(ctx), i.reportId, i.status),
    'petmayday.seenHere': (i, ctx) => s.petmayday.seenHere(who(ctx), i),
    'petmayday.findByChip': (i) => s.petmayday.findByChip(i.chip),
    'petmayday.foundNotices': (i, ctx) => s.petmayday.foundNotices(who(ctx), i),
    'petmayday.postFound': (i, ctx) => s.petmayday.postFound(who(ctx), i),
    'petmayday.closeFound': (i, ctx) => s.petmayday.closeFound(who(ctx), i.noticeId)
  }
}
