import type Database from 'better-sqlite3'
import type { Store } from '../db/store'
import { normalizeName, prefixEnd } from '../core/normalize'
import { scoreCandidate, type IdentityCodes, type PatientFacts, type PatientIdentifiers } from './rule'

/** What the matching rule compares for one live patient (a lab order's, an imaging request's), or null. */
export function patientFacts(store: Store, patientId: string): PatientFacts | null {
  // Only the compared columns, read plainly: every automatic attach asks this.
  const stmt = store.statement('SELECT p.id, p.name, p.date_of_birth AS dateOfBirth, p.sex, p.neuter_status AS neuterStatus, p.species, p.breed, c.last_name AS ownerLastName, c.first_name AS ownerFirstName FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.id = ? AND p.deleted_at IS NULL')
  return (stmt.get(patientId) as PatientFacts | undefined) ?? null
}

export interface ShortlistEntry {
  facts: PatientFacts
  ownerName: string
}

type Row = { id: string; name: string; date_of_birth: string | null; sex: string; neuter_status: string; species: string; breed: string | null; first_name: string; last_name: string }

/**
 * The patients a message in review could belong to, best first by identity alone (labs and
 * imaging add their orders or requests after). Bounded lookups on indexed columns only: pinned
 * ids (the patient of a matched order), the patient id echoed back, then names near the ones sent.
 */
export function shortlistPatients(sqlite: Database.Database, ids: PatientIdentifiers, pinned: string[], codes?: IdentityCodes, limit = 20): ShortlistEntry[] {
  const found = new Map<string, Row>()
  const cols = 'p.id, p.name, p.date_of_birth, p.sex, p.neuter_status, p.species, p.breed, c.first_name, c.last_name FROM patients p JOIN clients c ON c.id = p.client_id'
  const live = 'p.deleted_at IS NULL AND c.deleted_at IS NULL'
  const take = (where: string, max: number, ...args: unknown[]) => {
    for (const r of sqlite.prepare(`SELECT ${cols} WHERE ${where} AND ${live} LIMIT ${max}`).all(...args) as Row[]) found.set(r.id, r)
  }
  const pet = ids.petName ? normalizeName(ids.petName) : ''
  const owner = ids.ownerLastName ? normalizeName(ids.ownerLastName) : ''
  for (const id of pinned) if (id) take('p.id = ?', 1, id)
  if (ids.patientId) take('p.id = ?', 1, ids.patientId)
  // A misspelling rarely changes the first two letters: look near them, most specific first, then score.
  if (pet.length >= 2 && owner.length >= 2) take('c.last_name_norm >= ? AND c.last_name_norm < ? AND p.name_norm >= ? AND p.name_norm < ?', 500, owner.slice(0, 2), prefixEnd(owner.slice(0, 2)), pet.slice(0, 2), prefixEnd(pet.slice(0, 2)))
  if (owner) take('c.last_name_norm = ?', 300, owner)
  if (pet.length >= 2) take('p.name_norm >= ? AND p.name_norm < ?', 100, pet.slice(0, 2), prefixEnd(pet.slice(0, 2)))
  if (owner.length >= 2) take('c.last_name_norm >= ? AND c.last_name_norm < ?', 100, owner.slice(0, 2), prefixEnd(owner.slice(0, 2)))
  const facts = (r: Row): PatientFacts => ({ id: r.id, name: r.name, dateOfBirth: r.date_of_birth, sex: r.sex, neuterStatus: r.neuter_status, species: r.species, breed: r.breed, ownerLastName: r.last_name, ownerFirstName: r.first_name })
  return [...found.values()]
    .map((r) => ({ entry: { facts: facts(r), ownerName: `${r.first_name} ${r.last_name}` }, score: scoreCandidate(ids, facts(r), null, undefined, codes).score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.entry)
}
