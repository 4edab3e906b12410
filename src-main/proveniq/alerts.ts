/**
 * The PetMayday alert: a patient that matches an active missing-pet report in the list this
 * workstation keeps (missing-list.ts), checked when the patient is created, its microchip is set
 * or changed, one of its visits is checked in, and when a new report arrives. Only the microchip
 * matches exactly (a critical notification for everyone and an audit entry); the same name and
 * species last seen where the owner lives is a possible match for a person to confirm, a warning,
 * never the accusation. Each (patient, report, kind) notifies once (missing_pet_matches).
 *
 * It listens to the services' events instead of changing them; the check runs after the
 * transaction that emitted the event, so a rolled-back change alerts nobody.
 */
import type { MissingMatch } from '../../src-preload/contract'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import { normalizeName } from '../core/normalize'

/** A report as this workstation keeps it (missing_pets), read with KEPT_COLS. */
export interface KeptReport {
  id: string
  microchip_norm: string | null
  microchip: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  name: string | null
  last_seen_area: string
  last_seen_at: string
  filed_by_name: string
  filed_by_kind: string
  updated_at: string
}

interface PatientRow {
  id: string
  name: string
  species: string
  microchip_norm: string | null
  address: string | null
}

export const KEPT_COLS = 'id, microchip_norm, microchip, species, breed, colour, sex, name, last_seen_area, last_seen_at, filed_by_name, filed_by_kind, updated_at'

export class MissingPetAlerts {
  private sub: { unsubscribe(): void } | null = null

  constructor(
    private readonly core: Core,
    private readonly notifications: NotificationsService
  ) {}

  start(): void {
    this.sub = this.core.events.subscribe(({ event }) => {
      if (event.type !== 'changed') return
      const { entity, id, patientId } = event.payload
      // A patient created or changed (its chip among them); a visit checked in. After the emitting transaction.
      if (entity === 'patient' && patientId) setImmediate(() => this.safely(() => this.checkPatient(patientId)))
      else if (entity === 'visit' && patientId) setImmediate(() => this.safely(() => this.checkedIn(id) && this.checkPatient(patientId, id)))
    })
  }

  stop(): void {
    this.sub?.unsubscribe()
    this.sub = null
  }

  /** The active reports this patient matches, exact ones first; empty for an unknown patient. */
  matchesFor(patientId: string): MissingMatch[] {
    const p = this.patient(patientId)
    if (!p) return []
    const exact = p.microchip_norm ? this.onChip(p.microchip_norm) : []
    const seen = new Set(exact.map((r) => r.reportId))
    const name = normalizeName(p.name)
    const address = normalizeName(p.address)
    // Species and name (normalised as patient search does) by index; the area must be whole words of the owner's address.
    const possible =
      name && address
        ? (
            this.core.store
              .statement(`SELECT ${KEPT_COLS} FROM missing_pets WHERE species = ? AND name_norm = ? AND area_norm <> '' AND instr(?, ' ' || area_norm || ' ') > 0 ORDER BY last_seen_at DESC`)
              .all(p.species, name, ` ${address} `) as KeptReport[]
          ).filter((r) => !seen.has(r.id))
        : []
    return [...exact, ...possible.map((r) => toMatch(r, 'possible'))]
  }

  /** The active reports on a chip (normalised), from the kept list: what a scan or a typed chip matches exactly, offline too. */
  onChip(chipNorm: string): MissingMatch[] {
    return (this.core.store.statement(`SELECT ${KEPT_COLS} FROM missing_pets WHERE microchip_norm = ? ORDER BY last_seen_at DESC`).all(chipNorm) as KeptReport[]).map((r) => toMatch(r, 'exact'))
  }

  /** New or changed reports: the patients they match. */
  checkReports(ids: string[]): void {
    const s = (sql: string) => this.core.store.statement(sql)
    for (const id of ids) {
      const r = s(`SELECT ${KEPT_COLS} FROM missing_pets WHERE id = ?`).get(id) as KeptReport | undefined
      if (!r) continue
      const patients = new Set<string>()
      if (r.microchip_norm) for (const pid of s('SELECT id FROM patients WHERE microchip_norm = ? AND deleted_at IS NULL').pluck().all(r.microchip_norm) as string[]) patients.add(pid)
      const name = normalizeName(r.name)
      if (name) for (const pid of s('SELECT id FROM patients WHERE name_norm = ? AND species = ? AND deleted_at IS NULL').pluck().all(name, r.species) as string[]) patients.add(pid)
      for (const pid of patients) this.safely(() => this.checkPatient(pid))
    }
  }

  /**
   * Notifies the matches of this patient not notified before; a check-in (visitId) notifies its exact
   * matches again, once per visit, because the pet being here now is what the desk must act on.
   */
  checkPatient(patientId: string, visitId?: string): void {
    const matches = this.matchesFor(patientId)
    if (matches.length === 0) return
    const p = this.patient(patientId)!
    const { store, audit } = this.core
    const claim = store.statement('INSERT INTO missing_pet_matches (patient_id, report_id, kind, occasion, notified_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
    let raised = 0
    store.tx(() => {
      for (const m of matches) {
        const found = claim.run(patientId, m.reportId, m.kind, '', store.nowIso()).changes > 0
        const here = !!visitId && m.kind === 'exact' && claim.run(patientId, m.reportId, m.kind, visitId, store.nowIso()).changes > 0
        if (!found && !here) continue
        raised++
        const where = `Last seen ${m.lastSeenArea} on ${m.lastSeenAt.slice(0, 16).replace('T', ' ')} UTC; reported by ${m.filedBy.name} (${m.filedBy.kind}).`
        if (m.kind === 'exact') {
          this.notifications.notify({ recipientId: null, kind: 'petmayday.missing', severity: 'critical', title: here ? `${p.name} is checked in and reported missing (PetMayday)` : `${p.name} is reported missing (PetMayday)`, body: `Microchip ${m.microchipRaw ?? m.microchip} matches an active PetMayday report. ${where}`, patientId })
          audit.append({ action: 'petmayday.match', direction: 'internal', actor: SYSTEM_ACTOR, patientId, entityType: 'patient', entityId: patientId, summary: `${p.name} matches PetMayday missing-pet report ${m.reportId} by microchip${here ? ' at check-in' : ''}`, details: { reportId: m.reportId, kind: m.kind, microchip: m.microchip, visitId: here ? visitId : null } })
        } else {
          this.notifications.notify({ recipientId: null, kind: 'petmayday.possible', severity: 'warning', title: `${p.name}: possible PetMayday match`, body: `Possible match: confirm before acting. A missing ${m.species} named ${m.name} (${[m.breed, m.colour].filter(Boolean).join(', ') || 'no description'}). ${where}`, patientId })
          audit.append({ action: 'petmayday.possible_match', direction: 'internal', actor: SYSTEM_ACTOR, patientId, entityType: 'patient', entityId: patientId, summary: `${p.name} may match PetMayday missing-pet report ${m.reportId} (name, species and area; to be confirmed)`, details: { reportId: m.reportId, kind: m.kind } })
        }
      }
    })
    if (raised) this.core.events.emit('changed', { entity: 'missing', id: patientId, patientId })
  }

  private checkedIn(visitId: string): boolean {
    return this.core.store.statement("SELECT 1 FROM visits WHERE id = ? AND status = 'checked_in'").pluck().get(visitId) !== undefined
  }

  private patient(id: string): PatientRow | undefined {
    return this.core.store
      .statement('SELECT p.id, p.name, p.species, p.microchip_norm, c.address FROM patients p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id = ? AND p.deleted_at IS NULL')
      .get(id) as PatientRow | undefined
  }

  /** An alert that cannot be raised must not break the change that asked for it. */
  private safely(fn: () => unknown): void {
    if (!this.sub) return // stopped (the app closing) before the deferred check ran
    try {
      fn()
    } catch (e) {
      console.error(`petmayday alert: ${(e as Error).message}`)
    }
  }
}

function toMatch(r: KeptReport, kind: MissingMatch['kind']): MissingMatch {
  return {
    kind,
    reportId: r.id,
    microchip: r.microchip_norm,
    microchipRaw: r.microchip,
    species: r.species,
    breed: r.breed,
    colour: r.colour,
    sex: r.sex,
    name: r.name,
    lastSeenArea: r.last_seen_area,
    lastSeenAt: r.last_seen_at,
    filedBy: { name: r.filed_by_name, kind: r.filed_by_kind },
    updatedAt: r.updated_at
  }
}
