/**
 * Likely duplicates, found before a second record of the same client or pet is made: the same
 * name (case, accents, spacing and punctuation aside) and a shared phone number (its digits; the
 * last ten, so a country code does not hide it) or e-mail; for a patient, the same name and
 * species under the same owner. A person then opens the existing record or creates anyway.
 */
import type { DuplicateRecord } from '../../src-preload/contract'
import { SPECIES_NAMES } from '../core/species-names'
import { normalizeEmail, normalizeName, phoneDigits } from '../core/normalize'
import type { Core } from './core'

const lastTen = (digits: string) => digits.slice(-10)

export function likelyDuplicateClients(core: Core, input: { firstName: string; lastName: string; phones: { number: string }[]; email?: string | null }): DuplicateRecord[] {
  const phones = new Set(input.phones.map((p) => lastTen(phoneDigits(p.number))).filter((d) => d.length >= 7))
  const email = input.email ? normalizeEmail(input.email) : null
  if (phones.size === 0 && !email) return []
  const same = core.store
    .statement('SELECT id, first_name AS firstName, last_name AS lastName FROM clients WHERE deleted_at IS NULL AND last_name_norm = ? AND first_name_norm = ? LIMIT 20')
    .all(normalizeName(input.lastName), normalizeName(input.firstName)) as { id: string; firstName: string; lastName: string }[]
  const out: DuplicateRecord[] = []
  const contacts = core.store.statement("SELECT kind, value FROM client_contacts WHERE client_id = ? AND deleted_at IS NULL")
  for (const c of same) {
    const rows = contacts.all(c.id) as { kind: 'phone' | 'email'; value: string }[]
    const phone = rows.find((r) => r.kind === 'phone' && phones.has(lastTen(phoneDigits(r.value))))
    const mail = rows.find((r) => r.kind === 'email' && email !== null && normalizeEmail(r.value) === email)
    const shared = phone ? `phone ${phone.value}` : mail ? `e-mail ${mail.value}` : null
    if (shared) out.push({ kind: 'client', id: c.id, label: `${c.firstName} ${c.lastName}`, reason: `already a client with the same name and ${shared}` })
  }
  return out
}

export function likelyDuplicatePatients(core: Core, input: { clientId: string; name: string; species: string }): DuplicateRecord[] {
  const rows = core.store
    .statement('SELECT id, name, species FROM patients WHERE deleted_at IS NULL AND deceased_at IS NULL AND name_norm = ? AND client_id = ? AND species = ? LIMIT 20')
    .all(normalizeName(input.name), input.clientId, input.species) as { id: string; name: string; species: string }[]
  return rows.map((p) => ({ kind: 'patient', id: p.id, label: `${p.name} (${SPECIES_NAMES[p.species] ?? p.species})`, reason: 'already registered for this owner, with the same name and species' }))
}
