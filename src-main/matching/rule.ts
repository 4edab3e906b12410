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
  /** the owner's given name (HL7 NK1-2, DICOM Responsible Person) */
  ownerFirstName?: string
  dateOfBirth?: string
  sex?: string
  species?: string
  /** the breed as sent: code and text components joined by ^ (either may match) */
  breed?: string
  /**
   * What the message says twice and differently (PID-5 and NK1 owner names, ORC-2 and OBR-2
   * order numbers): each one is, in words, a reason for review.
   */
  conflicts?: string[]
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
  breed: string | null
  ownerLastName: string
  ownerFirstName: string
}

const GENERIC_SEX: Record<string, string> = { M: 'male', F: 'female', U: 'unknown', MN: 'male', MC: 'male', FS: 'female', MI: 'male', FI: 'female', O: 'unknown' }

/** Our sex and neuter status as a lab's code: its profile's when it has one, else M, F or U (read back by sexFromCode). */
export function sexToCode(sex: string, neuterStatus: string, profile?: IdentityCodes): string {
  const codes = profile?.sexCodes ?? {}
  return codes[`${sex}/${neuterStatus}`] ?? codes[sex] ?? (sex === 'male' ? 'M' : sex === 'female' ? 'F' : 'U')
}

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

const same = (a: string, b: string | null | undefined) => normalizeName(a) === normalizeName(b ?? '')

/** The message's breed (code^text) agrees when any of its components is the patient's breed. */
const breedAgrees = (sent: string, breed: string | null) => !!breed && sent.split('^').some((c) => c.trim() && same(c, breed))

/** Every identifier in the message that disagrees with the patient, in words; empty means all agree. */
export function disagreements(ids: PatientIdentifiers, p: PatientFacts, profile?: IdentityCodes): string[] {
  const out: string[] = [...(ids.conflicts ?? [])]
  if (ids.patientId && ids.patientId !== p.id) out.push(`patient id ${ids.patientId} is not this patient's`)
  if (ids.petName && !same(ids.petName, p.name)) out.push(`pet name "${ids.petName}" differs from "${p.name}"`)
  if (ids.ownerLastName && !same(ids.ownerLastName, p.ownerLastName)) out.push(`owner name "${ids.ownerLastName}" differs from "${p.ownerLastName}"`)
  if (ids.ownerFirstName && !same(ids.ownerFirstName, p.ownerFirstName)) out.push(`owner's first name "${ids.ownerFirstName}" differs from "${p.ownerFirstName}"`)
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
  if (ids.breed && !breedAgrees(ids.breed, p.breed)) out.push(`breed "${ids.breed}" differs from ${p.breed ? `"${p.breed}"` : 'none recorded'}`)
  return out
}

/**
 * Why the message's identity cannot confirm the patient of the order it names, or null. An order
 * number alone identifies an order, not a patient: our patient id, or the pet's name and the
 * owner's family name, must be present (and, by disagreements(), agree).
 */
export function missingIdentity(ids: PatientIdentifiers): string | null {
  if (ids.patientId || (ids.petName && ids.ownerLastName)) return null
  const absent = [ids.petName ? null : "the pet's name", ids.ownerLastName ? null : "the owner's family name"].filter(Boolean).join(' and ')
  return `the message does not identify the patient: no patient id, and ${absent} ${absent.includes(' and ') ? 'are' : 'is'} missing`
}

/** Every reason the matching rule refuses this patient for the message; empty means attach. */
export function identityReasons(ids: PatientIdentifiers, p: PatientFacts, profile?: IdentityCodes): string[] {
  const missing = missingIdentity(ids)
  return [...(missing ? [missing] : []), ...disagreements(ids, p, profile)]
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
export function scoreCandidate(ids: PatientIdentifiers, p: PatientFacts, openOrder: { id: string; orderNumber: string; matchesNumber: boolean } | null, words: OpenWorkWords = LAB_ORDER_WORDS, codes?: IdentityCodes): Candidate {
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
  if (ids.ownerFirstName) {
    if (same(ids.ownerFirstName, p.ownerFirstName)) (score += 10), reasons.push("owner's first name matches")
    else (score -= 10), reasons.push(`owner's first name differs ("${ids.ownerFirstName}" / "${p.ownerFirstName}")`)
  }
  if (ids.dateOfBirth) {
    if (ids.dateOfBirth === p.dateOfBirth) (score += 15), reasons.push('date of birth matches')
    else reasons.push(`date of birth differs (${ids.dateOfBirth} / ${p.dateOfBirth ?? 'unknown'})`)
  }
  // A cat is never as likely as a dog for a canine result: a different species costs more than any name earns.
  const species = ids.species ? speciesFromCode(ids.species, codes) : null
  if (species) {
    if (species === p.species) (score += 10), reasons.push('species matches')
    else (score -= 60), reasons.push(`species differs (${species} / ${p.species})`)
  }
  const sex = ids.sex ? sexFromCode(ids.sex, codes) : null
  if (sex && sex.sex !== 'unknown' && p.sex !== 'unknown') {
    if (sex.sex === p.sex) (score += 5), reasons.push('sex matches')
    else (score -= 15), reasons.push(`sex differs (${sex.sex} / ${p.sex})`)
  }
  return { patientId: p.id, score, reasons, orderId: openOrder?.id ?? null }
}
