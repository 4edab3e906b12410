/**
 * Is this weight or birth date believable for this animal? The rule every way in obeys (the patient
 * form, the weight card, the API): two bands per species, generous on purpose.
 *
 * - Outside what the species can weigh or live at all (a 1,999 kg poodle, an 850 kg rabbit, a
 *   40-year-old dog, a birth date in the future): refused, always.
 * - Outside what is usual but possible (a 95 kg dog, a 24-year-old cat), or a weight more than
 *   half above or below the patient's last one: saved only when the person confirms it.
 *
 * Weights are read from the text as typed, so a form cannot turn "1e5" into 15 kg: exponents,
 * thousands separators, signs and zero are refused with a plain message. A pound is exactly
 * 0.45359237 kg; weights are stored in grams.
 */
import { SPECIES, type WeightUnit } from '../../src-preload/contract'

export type Species = (typeof SPECIES)[number]
type Range = readonly [low: number, high: number]

/** usual: what a clinic sees (beyond, confirm); possible: what the species can weigh at all (beyond, refused). Kilograms. */
export const WEIGHT_KG: Record<Species, { usual: Range; possible: Range }> = {
  canine: { usual: [0.5, 100], possible: [0.08, 160] }, // a newborn Chihuahua to a Great Dane (90) and past it; the heaviest mastiffs ~155
  feline: { usual: [0.3, 12], possible: [0.05, 25] },
  equine: { usual: [20, 1000], possible: [5, 1600] }, // a miniature foal to a Shire
  bovine: { usual: [20, 1200], possible: [5, 2000] },
  ovine: { usual: [2, 160], possible: [0.5, 250] },
  caprine: { usual: [1.5, 140], possible: [0.5, 200] },
  porcine: { usual: [0.5, 350], possible: [0.2, 500] },
  avian: { usual: [0.01, 15], possible: [0.002, 160] }, // a budgie (0.03) to a large parrot or goose; an ostrich is possible
  rabbit: { usual: [0.3, 8], possible: [0.04, 15] },
  rodent: { usual: [0.01, 3], possible: [0.002, 80] }, // mice to guinea pigs and chinchillas; a capybara is possible
  reptile: { usual: [0.001, 100], possible: [0.0005, 1000] }, // geckos to tortoises; wide on purpose
  ferret: { usual: [0.3, 2.7], possible: [0.05, 4] },
  other: { usual: [0.001, 1000], possible: [0.0005, 2000] }
}

/** usual: the long-lived ones of the species (beyond, confirm); longest: past any recorded (beyond, refused). Years. */
export const LIFESPAN_YEARS: Record<Species, { usual: number; longest: number }> = {
  canine: { usual: 20, longest: 31 },
  feline: { usual: 25, longest: 39 },
  equine: { usual: 40, longest: 62 },
  bovine: { usual: 25, longest: 49 },
  ovine: { usual: 20, longest: 30 },
  caprine: { usual: 20, longest: 30 },
  porcine: { usual: 20, longest: 30 },
  avian: { usual: 60, longest: 100 }, // parrots outlive their owners
  rabbit: { usual: 14, longest: 19 },
  rodent: { usual: 15, longest: 30 }, // chinchillas; see BREED_LIFESPAN for the short-lived ones
  reptile: { usual: 100, longest: 190 }, // tortoises
  ferret: { usual: 11, longest: 15 },
  other: { usual: 100, longest: 200 }
}

/** Species whose kinds live very differently: the breed, when it names one, narrows the span. */
const BREED_LIFESPAN: { species: Species; breed: RegExp; usual: number; longest: number; name: string }[] = [
  { species: 'rodent', breed: /hamster/i, usual: 3, longest: 5, name: 'a hamster' },
  { species: 'rodent', breed: /gerbil/i, usual: 5, longest: 8, name: 'a gerbil' },
  { species: 'rodent', breed: /\b(rat|mouse|mice)\b/i, usual: 4, longest: 7, name: 'a rat or mouse' },
  { species: 'rodent', breed: /guinea/i, usual: 9, longest: 15, name: 'a guinea pig' }
]

const SPECIES_NAME: Record<Species, string> = {
  canine: 'a dog', feline: 'a cat', equine: 'a horse', bovine: 'cattle', ovine: 'a sheep', caprine: 'a goat', porcine: 'a pig',
  avian: 'a bird', rabbit: 'a rabbit', rodent: 'a rodent', reptile: 'a reptile', ferret: 'a ferret', other: 'this animal'
}

export const LB_IN_KG = 0.45359237

/** A problem with one field: refused outright, or saved only once a person confirms it. */
export interface FieldIssue {
  path: string
  message: string
  severity: 'refuse' | 'confirm'
}

export const isSpecies = (s: unknown): s is Species => typeof s === 'string' && (SPECIES as readonly string[]).includes(s)

/** "1,999 kg", "0.03 kg", "22 lb": how a weight is said back to the person in their unit. */
export function sayWeight(kg: number, unit: WeightUnit = 'kg'): string {
  const v = unit === 'lb' ? kg / LB_IN_KG : kg
  const digits = v < 1 ? 3 : v < 10 ? 2 : 1
  return `${Number(v.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`
}

/**
 * The typed text as kilograms, or why it cannot be read. Only plain decimals with a point: "1e5"
 * (which a number box turns into something else), "1,5" and "1,500" (a decimal comma or a
 * thousands separator: which one?), signs, zero and units typed into the box are refused.
 */
export function readWeight(text: string, unit: WeightUnit): { kg: number } | { error: string } {
  const t = text.trim()
  if (t === '') return { error: 'Type the weight' }
  if (/\d\s*e\s*[-+]?\d/i.test(t)) return { error: `Type the weight as a plain number, such as 12.5 (not ${t})` }
  if (t.includes(',')) return { error: `Use a point for decimals and no thousands separator, such as 1500 or 2.5 (not ${t})` }
  if (/^-/.test(t)) return { error: 'A weight cannot be negative' }
  if (/[a-z]/i.test(t)) return { error: `Type only the number; the unit is ${unit}` }
  if (!/^\+?(\d+\.?\d*|\.\d+)$/.test(t)) return { error: `Type the weight as a plain number, such as 12.5 (not ${t})` }
  const value = Number(t.replace(/^\+/, ''))
  if (!Number.isFinite(value)) return { error: `Type the weight as a plain number, such as 12.5 (not ${t})` }
  if (value === 0) return { error: 'A weight must be more than zero' }
  const kg = unit === 'lb' ? value * LB_IN_KG : value
  // Stored in grams: a weight that rounds to nothing is not a weight.
  if (Math.round(kg * 1000) < 1) return { error: `${t} ${unit} is less than a gram` }
  return { kg }
}

/**
 * A weight for a species (and against the patient's last weight, when there is one). Refused:
 * outside what the species can weigh. Confirm: outside the usual range, or more than half above or
 * below the last weight.
 */
export function checkWeight(kg: number, species: Species, opts: { unit?: WeightUnit; path?: string; last?: { kg: number; at: string } | null; name?: string } = {}): FieldIssue[] {
  const path = opts.path ?? 'weight'
  const unit = opts.unit ?? 'kg'
  const r = WEIGHT_KG[species]
  const said = sayWeight(kg, unit)
  const what = SPECIES_NAME[species]
  if (kg > r.possible[1]) return [{ path, severity: 'refuse', message: `${said} is not possible for ${what} (at most ${sayWeight(r.possible[1], unit)}): check the number and the unit` }]
  if (kg < r.possible[0]) return [{ path, severity: 'refuse', message: `${said} is not possible for ${what} (at least ${sayWeight(r.possible[0], unit)}): check the number and the unit` }]
  const out: FieldIssue[] = []
  if (kg > r.usual[1] || kg < r.usual[0]) {
    out.push({ path, severity: 'confirm', message: `${said} is unusual for ${what} (usually ${sayWeight(r.usual[0], unit)} to ${sayWeight(r.usual[1], unit)})` })
  }
  const last = opts.last
  if (last && last.kg > 0) {
    const ratio = kg / last.kg
    if (ratio > 1.5 || ratio < 0.5) {
      const change = Math.round((ratio - 1) * 100)
      out.push({ path, severity: 'confirm', message: `${said} is ${change > 0 ? `${change}% more` : `${-change}% less`} than ${opts.name ? `${opts.name}’s` : 'the'} last weight (${sayWeight(last.kg, unit)} on ${last.at.slice(0, 10)})` })
    }
  }
  return out
}

/** Whole years between two ISO dates (YYYY-MM-DD). */
function yearsBetween(from: string, to: string): number {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4))
  if (to.slice(5) < from.slice(5)) years--
  return years
}

/**
 * A date of birth for a species on `today` (YYYY-MM-DD). Refused: in the future, or older than
 * any of the species (or of the breed, for rodents) ever lived. Confirm: older than the usual span.
 */
export function checkBirthDate(dob: string, species: Species, today: string, breed?: string | null, path = 'dateOfBirth'): FieldIssue[] {
  if (dob > today) return [{ path, severity: 'refuse', message: 'A date of birth cannot be in the future' }]
  const kind = BREED_LIFESPAN.find((b) => b.species === species && breed && b.breed.test(breed))
  const span = kind ?? LIFESPAN_YEARS[species]
  const what = kind?.name ?? SPECIES_NAME[species]
  const age = yearsBetween(dob, today)
  if (age > span.longest) return [{ path, severity: 'refuse', message: `That makes the patient ${age} years old, older than ${what} lives (at most about ${span.longest} years): check the year` }]
  if (age > span.usual) return [{ path, severity: 'confirm', message: `That makes the patient ${age} years old, unusually old for ${what} (usually up to ${span.usual} years)` }]
  return []
}
