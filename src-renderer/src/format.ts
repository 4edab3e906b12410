import type { Patient, PatientSummary } from '../../src-preload/contract'

export const SPECIES_LABEL: Record<string, string> = {
  canine: 'Dog', feline: 'Cat', equine: 'Horse', bovine: 'Cattle', ovine: 'Sheep', caprine: 'Goat', porcine: 'Pig', avian: 'Bird',
  rabbit: 'Rabbit', rodent: 'Rodent', reptile: 'Reptile', ferret: 'Ferret', other: 'Other'
}

export function sexLabel(p: Pick<Patient, 'sex' | 'neuterStatus'>): string {
  if (p.sex === 'unknown') return 'Sex unknown'
  const neutered = p.neuterStatus === 'neutered'
  if (p.sex === 'male') return neutered ? 'Male neutered (MN)' : p.neuterStatus === 'intact' ? 'Male intact (MI)' : 'Male'
  return neutered ? 'Female spayed (FS)' : p.neuterStatus === 'intact' ? 'Female intact (FI)' : 'Female'
}

export function sexShort(p: Pick<PatientSummary, 'sex' | 'neuterStatus'>): string {
  const s = p.sex === 'male' ? 'M' : p.sex === 'female' ? 'F' : '?'
  return p.neuterStatus === 'neutered' ? (p.sex === 'female' ? 'FS' : p.sex === 'male' ? 'MN' : 'N') : p.neuterStatus === 'intact' ? `${s}I` : s
}

/** "3 y 2 m", "7 m", "12 d" from an ISO date, as vets write ages. */
export function age(dob: string | null, at = new Date()): string {
  if (!dob) return 'age unknown'
  const d = new Date(dob + 'T00:00:00Z')
  let months = (at.getUTCFullYear() - d.getUTCFullYear()) * 12 + (at.getUTCMonth() - d.getUTCMonth())
  if (at.getUTCDate() < d.getUTCDate()) months--
  if (months < 1) return `${Math.max(0, Math.floor((at.getTime() - d.getTime()) / 86_400_000))} d`
  if (months < 24) return `${months} m`
  return `${Math.floor(months / 12)} y${months % 12 ? ` ${months % 12} m` : ''}`
}

export function dateTime(iso: string | null): string {
  if (!iso) return ''
  return new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

export function date(iso: string | null): string {
  if (!iso) return ''
  return new Date(iso.length === 10 ? iso + 'T00:00:00' : iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

export function kg(value: number): string {
  return value < 1 ? `${Math.round(value * 1000)} g` : `${value.toFixed(value < 10 ? 2 : 1)} kg`
}

export const ROLE_LABEL: Record<string, string> = { veterinarian: 'Veterinarian', technician: 'Technician', front_desk: 'Front desk', admin: 'Administrator' }

/** Integer minor units (cents) in the clinic's currency: 123456 → "$1,234.56". */
export function money(minor: number, currency = 'USD'): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 10 ** digits)
}

/** What a person types ("12.50", "$1,200") as minor units, or null when it is not an amount. */
export function parseMoney(text: string, currency = 'USD'): number | null {
  const clean = text.replace(/[^0-9.-]/g, '')
  if (!/^-?\d*(\.\d*)?$/.test(clean) || clean === '' || clean === '.') return null
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return Math.round(Number(clean) * 10 ** digits)
}
