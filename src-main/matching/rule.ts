/**
 * The matching rule, for labs and imaging alike, exactly as the design states it: attach
 * automatically only when the message carries our order (or accession) number for an open order
 * and every patient identifier present agrees with that order's patient after normalization.
 * Anything else goes to review; nothing here ever picks a candidate.
 */
import { distance } from 'fastest-levenshtein'
import { SPECIES, type LabProfile } from '../../src-preload/contract'
import { normalizeName } from '../core/normalize'

/** The patient identifiers a message carries, normalized by its parser (HL7 PID, ASTM P, DICOM patient module). */
export interface PatientIdentifiers {
  /** our patient id, echoed back (PID-3 / P-3 / Patient ID) */
  patientId?: string
  petName?: string
  ownerLastName?: string
  dateOfBirth?: string
  sex?: string
  species?: string
}

/** How a sender codes sex and species (a lab profile's maps); none means the generic codes. */
export type IdentityCodes = Pick<LabProfile, 'sexCodes' | 'speciesCodes'>

export interface PatientFacts {
  id: string
  name: string
  dateOfBirth: string | null
  sex: string
  neuterStatus: string
  species: string
  ownerLastName: string
}

const GENERIC_SEX: Record<string, string> = { M: 'male', F: 'female', U: 'unknown', MN: 'male', MC: 'male', FS: 'female', MI: 'male', FI: 'female', O: 'unknown' }

/** The lab's sex code read back into our vocabulary, or null when it is not understood. */
export function sexFromCode(code: string, profile?: IdentityCodes): { sex: string; neuter?: string } | null {
  const mapped = Object.entries(profile?.sexCodes ?? {}).find(([, v]) => v.toUpperCase() === code.toUpperCase())
  if (mapped) {
    const [sex, neuter] = mapped[0].split('/')
    return { sex, neuter }
  }
  const generic = GENERIC_SEX[code.toUpperCase()]
  return generic ? { sex: generic } : null
}

export function speciesFromCode(code: string, profile?: IdentityCodes): string | null {
  const mapped = Object.entries(profile?.speciesCodes ?? {}).find(([, v]) => v.toUpperCase() === code.toUpperCase())
  if (mapped) return mapped[0]
  // Unmapped species go out under our own name (see buildOrderMessage), so read those back too.
  const own = code.toLowerCase()
  if ((SPECIES as readonly string[]).includes(own)) return own
  const plain: Record<string, string> = { dog: 'canine', cat: 'feline', horse: 'equine', 'canis familiaris': 'canine', 'canis lupus familiaris': 'canine', 'felis catus': 'feline', 'equus caballus': 'equine' }
  return plain[own] ?? null
}

/** Every identifier in the message that disagrees with the patient, in words; empty means all agree. */
export function disagreements(ids: PatientIdentifiers, p: PatientFacts, profile?: IdentityCodes): string[] {
  const out: string[] = []
  if (ids.patientId && ids.patientId !== p.id) out.push(`patient id ${ids.patientId} is not this patient's`)
  if (ids.petName && normalizeName(ids.petName) !== normalizeName(p.name)) out.push(`pet name "${ids.petName}" differs from "${p.name}"`)
  if (ids.ownerLastName && normalizeName(ids.ownerLastName) !== normalizeName(p.ownerLastName)) out.push(`owner name "${ids.ownerLastName}" differs from "${p.ownerLastName}"`)
  if (ids.dateOfBirth && ids.dateOfBirth !== p.dateOfBirth) out.push(`date of birth ${ids.dateOfBirth} differs from ${p.dateOfBirth ?? 'unknown'}`)
  if (ids.sex) {
    const s = sexFromCode(ids.sex, profile)
    if (!s) out.push(`sex code "${ids.sex}" is not understood`)
    else if (s.sex !== 'unknown' && p.sex !== 'unknown' && (s.sex !== p.sex || (s.neuter && p.neuterStatus !== 'unknown' && s.neuter !== p.neuterStatus))) out.push(`sex "${ids.sex}" differs from ${p.sex}${p.neuterStatus !== 'unknown' ? `/${p.neuterStatus}` : ''}`)
  }
  if (ids.species) {
    const sp = speciesFromCode(ids.species, profile)
    if (!sp) out.push(`species code "${ids.species}" is not understood`)
    else if (sp !== p.species) out.push(`species "${ids.species}" differs from ${p.species}`)
  }
  return out
}

export interface Candidate {
  patientId: string
  score: number
  reasons: string[]
  orderId: string | null
}

/** How a reason names the patient's open order or request: a lab's words by default. */
export interface OpenWorkWords {
  matches(number: string): string
  open(number: string): string
}

const LAB_ORDER_WORDS: OpenWorkWords = { matches: (n) => `order ${n} is this patient's`, open: (n) => `has an open order (${n}) at this lab` }

/** Scores a possible patient for a message in review; the reasons are shown to the person deciding. */
export function scoreCandidate(ids: PatientIdentifiers, p: PatientFacts, openOrder: { id: string; orderNumber: string; matchesNumber: boolean } | null, words: OpenWorkWords = LAB_ORDER_WORDS): Candidate {
  let score = 0
  const reasons: string[] = []
  if (openOrder?.matchesNumber) {
    score += 50
    reasons.push(words.matches(openOrder.orderNumber))
  } else if (openOrder) {
    score += 10
    reasons.push(words.open(openOrder.orderNumber))
  }
  if (ids.patientId && ids.patientId === p.id) {
    score += 40
    reasons.push('patient id matches')
  }
  const pet = ids.petName ? normalizeName(ids.petName) : null
  if (pet) {
    const d = distance(pet, normalizeName(p.name))
    if (d === 0) (score += 30), reasons.push('pet name matches')
    else if (d <= 2) (score += 18 - d * 4), reasons.push(`pet name is ${d} letter${d > 1 ? 's' : ''} different ("${ids.petName}" / "${p.name}")`)
    else reasons.push(`pet name differs ("${ids.petName}" / "${p.name}")`)
  }
  const owner = ids.ownerLastName ? normalizeName(ids.ownerLastName) : null
  if (owner) {
    const d = distance(owner, normalizeName(p.ownerLastName))
    if (d === 0) (score += 25), reasons.push('owner name matches')
    else if (d <= 2) (score += 14 - d * 4), reasons.push(`owner name is ${d} letter${d > 1 ? 's' : ''} different ("${ids.ownerLastName}" / "${p.ownerLastName}")`)
    else reasons.push(`owner name differs ("${ids.ownerLastName}" / "${p.ownerLastName}")`)
  }
  if (ids.dateOfBirth) {
    if (ids.dateOfBirth === p.dateOfBirth) (score += 15), reasons.push('date of birth matches')
    else reasons.push(`date of birth differs (${ids.dateOfBirth} / ${p.dateOfBirth ?? 'unknown'})`)
  }
  return { patientId: p.id, score, reasons, orderId: openOrder?.id ?? null }
}
