/**
 * PetLifeLog on the workstation: looks microchips up in the PROVENIQ registry, registers a
 * patient's chip to its owner, and keeps that registration current by itself (a change of owner is
 * a transfer, a new phone or e-mail an update, a new chip a new registration).
 *
 * Every send goes through services.proveniq (the consent gate's permit, taken as each request
 * leaves, and the audit log). Registrations, updates and transfers wait in petlifelog_outbox (local:
 * the workstation that queued one sends it, also after a restart) and go in order; while PetLifeLog
 * cannot be reached they are retried with a growing pause and at once when the integration changes.
 * A refusal (the service's 4xx, or the gate's) is not retried: the item is kept as failed with the
 * words of whoever refused, and shown on the patient.
 *
 * The clinic's opt-out for a patient and what it registered live in petlifelog_patients, which
 * syncs: every workstation shows the same status and refuses to send an opted-out patient.
 */
import type { ChipLookup, DataCategory, PetLifeLogOutboxItem, PetLifeLogStatus } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import { MicrochipError, parseMicrochip } from '../core/microchip'
import { newId } from '../core/ids'
import { petlifelogOptOuts, petlifelogOutbox, petlifelogPatients } from '../db/schema'
import { SYSTEM_ACTOR, type Actor } from '../domain/actor'
import { ownerName, type ClientsService } from '../domain/clients'
import type { Core } from '../domain/core'
import type { PatientsService } from '../domain/patients'
import type { IntegrationRegistry } from '../integrations/registry'
import { ConsentRefused } from '../consent/gate'
import { ProveniqOffline, publicReport, type ProveniqClient, type ServiceReport } from './client'

type OutboxRow = typeof petlifelogOutbox.$inferSelect
type PatientLink = typeof petlifelogPatients.$inferSelect
type Action = OutboxRow['action']

/**
 * A registration carries the chip and how to reach the owner. The pet's name and species go with
 * it as part of the chip's record (the registry says which pet the chip is in), under 'microchip'.
 */
const REGISTRATION_CATEGORIES: DataCategory[] = ['microchip', 'owner_contact']
/** A lookup sends only the chip number. */
const LOOKUP_CATEGORIES: DataCategory[] = ['microchip']

/** The service is across the internet: the first retry soon, then no more often than every few minutes. */
const RETRY = { firstMs: 5_000, maxMs: 5 * 60_000 }

type ServiceLookup =
  | { chip: string; registered: false; missingReports: ServiceReport[] }
  | { chip: string; registered: true; species: string | null; petName: string | null; shareContact: true; owner: { name: string; phone: string | null; email: string | null }; missingReports: ServiceReport[] }
  | { chip: string; registered: true; species: string | null; petName: string | null; shareContact: false; ownerNotified: true; relayId: string; message: string; missingReports: ServiceReport[] }

interface Registration {
  chip: string
  createdAt: string
  updatedAt: string
  owner: { name: string; shareContact: boolean }
}
/** PUT answers the registration; a transfer answers it with the number of earlier owners. */
type ServiceRegistration = Registration | { registration: Registration; previousOwners: number }

interface Owner {
  clientId: string
  name: string
  phone: string | null
  email: string | null
}

export interface PetLifeLogOptions {
  deviceId: string
  log?: (line: string) => void
  /** pauses between attempts while the service cannot be reached (tests shorten them) */
  retry?: { firstMs: number; maxMs: number }
}

export class PetLifeLog {
  private sub: { unsubscribe(): void } | null = null
  private timer: NodeJS.Timeout | null = null
  private draining: Promise<void> | null = null
  private rerun = false
  private closed = false
  /** items a person waits on (register()), and what their attempt ended in */
  private readonly waiting = new Set<string>()
  private readonly outcomes = new Map<string, ApiError>()

  constructor(
    private readonly core: Core,
    private readonly patients: PatientsService,
    private readonly clients: ClientsService,
    private readonly integrations: IntegrationRegistry,
    /** the services' one gated PROVENIQ client */
    private readonly client: () => ProveniqClient,
    private readonly opts: PetLifeLogOptions
  ) {}

  start(): void {
    this.closed = false
    this.sub = this.core.events.subscribe(({ event }) => {
      if (event.type !== 'changed' || this.closed) return
      const { entity, id, patientId } = event.payload
      // After the emitting transaction, so a rolled-back change sends nothing.
      if (entity === 'patient' && patientId) setImmediate(() => this.safely(() => this.reconcile([patientId])))
      else if (entity === 'client') setImmediate(() => this.safely(() => this.reconcile(this.patientsOfClient(id))))
      else if (entity === 'sync' && (id === 'patients' || id === 'clients' || id === 'client_contacts')) setImmediate(() => this.safely(() => this.reconcile(this.keptHere())))
      else if (entity === 'sync' && id === 'petlifelog_opt_outs') setImmediate(() => this.safely(() => this.dropOptedOut()))
      else if (entity === 'integration' || (entity === 'sync' && id === 'integrations')) setImmediate(() => this.safely(() => this.integrationChanged()))
    })
    // Whatever waited across a restart goes now.
    this.safely(() => this.integrationChanged())
  }

  /** Waits for a send under way, so what the service answered is kept before the database closes. */
  async stop(): Promise<void> {
    this.closed = true
    this.sub?.unsubscribe()
    this.sub = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.draining
  }

  // ------------------------------------------------------------------ lookup

  /** A scan or a typed chip, looked up at PetLifeLog; offline says the lookup could not be made. */
  async lookup(actor: Actor, input: string): Promise<ChipLookup> {
    const chip = parseChip(input)
    // The chip of a patient the clinic opted out is not sent, not even to look it up.
    const optedOut = this.core.store
      .statement('SELECT p.id, p.name FROM patients p JOIN petlifelog_opt_outs o ON o.id = p.id WHERE p.microchip_norm = ? AND p.deleted_at IS NULL AND o.opt_out = 1 AND o.deleted_at IS NULL')
      .get(chip.normalized) as { id: string; name: string } | undefined
    if (optedOut) {
      this.core.audit.append({ action: 'petlifelog.refused', direction: 'outbound', outcome: 'refused', actor, patientId: optedOut.id, summary: `Refused: PetLifeLog lookup of microchip ${chip.normalized}. It is ${optedOut.name}'s, whom the clinic opted out of PetLifeLog` })
      throw new ApiError('consent-refused', `Microchip ${chip.normalized} is ${optedOut.name}'s, a patient this clinic opted out of PetLifeLog: it is not sent, not even to look it up. The owner is on file here.`)
    }
    let answer: ServiceLookup
    try {
      answer = await this.client().send<ServiceLookup>({
        kind: 'petlifelog',
        method: 'GET',
        path: `/v1/chips/${encodeURIComponent(chip.normalized)}`,
        categories: LOOKUP_CATEGORIES,
        summary: `PetLifeLog lookup of microchip ${chip.normalized}`,
        actor
      })
    } catch (e) {
      if (e instanceof ApiError && e.code === 'offline') throw new ApiError('offline', `Microchip ${chip.normalized} could not be looked up: ${e.message}. Nothing is known about its owner until the connection returns.`)
      throw e
    }
    const base = { chip: chip.normalized, chipRaw: chip.raw, chipType: chip.type, missingReports: answer.missingReports.map(publicReport) }
    if (!answer.registered) return { outcome: 'not-registered', ...base }
    if (answer.shareContact) return { outcome: 'owner-contact', ...base, species: answer.species, petName: answer.petName, owner: answer.owner }
    return { outcome: 'owner-notified', ...base, species: answer.species, petName: answer.petName, message: answer.message, relayId: answer.relayId }
  }

  // ------------------------------------------------------------------ status

  status(patientId: string): PetLifeLogStatus {
    const p = this.patients.row(patientId)
    const link = this.link(patientId)
    const items = this.core.store
      .statement("SELECT * FROM petlifelog_outbox WHERE patient_id = ? AND state IN ('pending', 'failed') ORDER BY seq")
      .all(patientId) as RawOutbox[]
    const outbox = items.map(toItem)
    const optOut = this.optedOut(patientId)
    const state: PetLifeLogStatus['state'] = optOut
      ? 'opted-out'
      : !p.microchipNorm
        ? 'no-chip'
        : outbox.some((i) => i.state === 'pending')
          ? 'pending'
          : outbox.some((i) => i.state === 'failed')
            ? 'failed'
            : link?.confirmedAt && link.chip === p.microchipNorm
              ? 'registered'
              : 'not-registered'
    return {
      patientId,
      chip: p.microchipNorm,
      chipRaw: p.microchip,
      state,
      optOut,
      registration:
        link?.confirmedAt && link.chip && link.ownerName
          ? { chip: link.chip, ownerName: link.ownerName, sameOwner: link.ownerClientId === p.clientId, shareContact: link.shareContact, registeredAt: link.registeredAt ?? link.confirmedAt, updatedAt: link.confirmedAt }
          : null,
      outbox,
      approval: this.approval()
    }
  }

  private approval(): PetLifeLogStatus['approval'] {
    const target = this.client().target('petlifelog')
    const integration = target ? this.integrations.list().find((i) => i.id === target.integrationId) : undefined
    const categories = integration?.approval?.categories ?? []
    const microchip = categories.includes('microchip')
    const ownerContact = categories.includes('owner_contact')
    const missing = REGISTRATION_CATEGORIES.filter((c) => !categories.includes(c))
    const problem = !target
      ? 'PetLifeLog is not set up: an administrator adds it under Integrations (its address and this clinic’s member key) and approves it'
      : !integration?.approval
        ? `"${target.name}" has not been approved to receive data`
        : missing.length
          ? `"${target.name}" is not approved for: ${missing.join(', ')}`
          : null
    return { configured: !!target, approved: !!integration?.approval, microchip, ownerContact, problem }
  }

  // ------------------------------------------------------------------ register, opt out

  /** Queues the registration and sends it at once; offline it waits. A refusal is thrown in its own words (and kept as failed). */
  async register(actor: Actor, patientId: string, shareContact: boolean): Promise<PetLifeLogStatus> {
    const p = this.patients.row(patientId)
    if (this.optedOut(patientId)) {
      this.core.audit.append({
        action: 'petlifelog.refused',
        direction: 'outbound',
        outcome: 'refused',
        actor,
        patientId,
        entityType: 'patient',
        entityId: patientId,
        summary: `Refused: registering ${p.name}'s microchip with PetLifeLog. The clinic opted ${p.name} out of PetLifeLog`
      })
      throw new ApiError('consent-refused', `${p.name} is opted out of PetLifeLog: nothing about this patient is shared. Turn the opt-out off first if the owner agrees.`)
    }
    if (!p.microchipNorm || !p.microchip) throw new ApiError('invalid-input', `${p.name} has no microchip number: scan or type it on the patient first`, [{ path: 'patientId', message: 'the patient has no microchip' }])
    const owner = this.owner(p.clientId)
    const id = this.core.store.tx(() => {
      // A new request replaces what failed before for this patient: the card shows the new attempt.
      this.core.store.statement("UPDATE petlifelog_outbox SET state = 'dropped', done_at = ? WHERE patient_id = ? AND state = 'failed'").run(this.core.store.nowIso(), patientId)
      const link = this.link(patientId)
      const action: Action = link?.confirmedAt && link.chip === p.microchipNorm ? 'update' : 'register'
      return this.enqueue(actor, { patientId, petName: p.name, species: p.species, chip: p.microchip!, chipNorm: p.microchipNorm!, owner, shareContact, action, why: 'asked' })
    })
    this.changed(patientId)
    this.waiting.add(id)
    try {
      await this.drain()
    } finally {
      this.waiting.delete(id)
    }
    const refusal = this.outcomes.get(id)
    this.outcomes.delete(id)
    if (refusal && refusal.code !== 'offline') throw refusal
    return this.status(patientId)
  }

  /** The clinic's decision for this patient, on every workstation; what waits to be sent for it is dropped. */
  setOptOut(actor: Actor, patientId: string, optOut: boolean): PetLifeLogStatus {
    const p = this.patients.row(patientId)
    const { store, audit } = this.core
    store.tx(() => {
      if (store.byId(petlifelogOptOuts, patientId)) store.update(petlifelogOptOuts, patientId, { optOut })
      else store.insert(petlifelogOptOuts, { id: patientId, optOut })
      const dropped = optOut ? this.drop(patientId, 'opted out of PetLifeLog') : 0
      audit.append({
        action: optOut ? 'petlifelog.opted_out' : 'petlifelog.opted_in',
        direction: 'internal',
        actor,
        patientId,
        entityType: 'patient',
        entityId: patientId,
        summary: optOut
          ? `${p.name} opted out of PetLifeLog: the chip and owner are not shared${dropped ? `; ${dropped} waiting send(s) dropped` : ''}`
          : `${p.name} may be shared with PetLifeLog again`,
        details: { dropped }
      })
    })
    this.changed(patientId)
    return this.status(patientId)
  }

  // ------------------------------------------------------------------ keeping registrations current

  /**
   * For each registration this workstation keeps: a new chip registers the new chip, a new owner is a
   * transfer, the owner's new name, phone or e-mail an update. Nothing for a patient opted out.
   */
  private reconcile(patientIds: string[]): void {
    for (const patientId of patientIds) {
      const link = this.link(patientId)
      if (!link || this.optedOut(patientId) || !link.requestedAt || link.deviceId !== this.opts.deviceId) continue
      const basis = this.basis(link)
      if (!basis) continue
      const p = this.core.store.statement('SELECT id, name, species, client_id, microchip, microchip_norm FROM patients WHERE id = ? AND deleted_at IS NULL').get(patientId) as
        | { id: string; name: string; species: string; client_id: string; microchip: string | null; microchip_norm: string | null }
        | undefined
      if (!p?.microchip_norm || !p.microchip) continue
      let owner: Owner
      try {
        owner = this.owner(p.client_id)
      } catch (e) {
        // No way to reach the new owner: nothing PetLifeLog would accept; the status keeps the last registration.
        this.opts.log?.(`petlifelog: ${p.name}: ${(e as Error).message}`)
        continue
      }
      const action: Action | null =
        p.microchip_norm !== basis.chip
          ? 'register'
          : p.client_id !== basis.ownerClientId
            ? 'transfer'
            : owner.name !== basis.ownerName || owner.phone !== basis.ownerPhone || owner.email !== basis.ownerEmail
              ? 'update'
              : null
      if (!action) continue
      const why = action === 'register' ? 'a new microchip' : action === 'transfer' ? 'a new owner' : 'new owner contact details'
      this.core.store.tx(() => this.enqueue(SYSTEM_ACTOR, {
          patientId,
          petName: p.name,
          species: p.species,
          chip: p.microchip!,
          chipNorm: p.microchip_norm!,
          owner,
          // Sharing is the owner's own choice: a new owner has not made it, so their contact is relayed only.
          shareContact: action === 'transfer' ? false : basis.shareContact,
          action,
          why
        }))
      this.changed(patientId)
    }
    void this.drain()
  }

  /**
   * What the registration is, or will be once what waits has gone: the newest send asked for (a
   * refused one too, so a refusal is not asked again at every change), else what the service confirmed.
   */
  private basis(link: PatientLink): { chip: string; ownerClientId: string | null; ownerName: string | null; ownerPhone: string | null; ownerEmail: string | null; shareContact: boolean } | null {
    const last = this.core.store
      .statement("SELECT chip, body, owner_client_id FROM petlifelog_outbox WHERE patient_id = ? AND state != 'dropped' ORDER BY seq DESC LIMIT 1")
      .get(link.id) as { chip: string; body: string; owner_client_id: string | null } | undefined
    if (last) {
      const b = JSON.parse(last.body) as { ownerName: string; ownerPhone: string | null; ownerEmail: string | null; shareContact: boolean }
      return { chip: parseMicrochip(last.chip).normalized, ownerClientId: last.owner_client_id, ownerName: b.ownerName, ownerPhone: b.ownerPhone, ownerEmail: b.ownerEmail, shareContact: b.shareContact }
    }
    return link.chip ? { chip: link.chip, ownerClientId: link.ownerClientId, ownerName: link.ownerName, ownerPhone: link.ownerPhone, ownerEmail: link.ownerEmail, shareContact: link.shareContact } : null
  }

  /** Queues one send (inside the caller's transaction); the patient's link names who keeps the registration current. */
  private enqueue(
    actor: Actor,
    r: { patientId: string; petName: string; species: string; chip: string; chipNorm: string; owner: Owner; shareContact: boolean; action: Action; why: string }
  ): string {
    const { store, audit } = this.core
    const now = store.nowIso()
    const body = {
      species: r.species,
      petName: r.petName,
      ownerName: r.owner.name,
      ownerPhone: r.owner.phone,
      ownerEmail: r.owner.email,
      shareContact: r.shareContact,
      ...(r.action === 'transfer' ? { note: `new owner recorded at the clinic` } : {})
    }
    const verb = r.action === 'register' ? 'Register' : r.action === 'transfer' ? 'Transfer' : 'Update'
    const summary = `${verb} microchip ${r.chipNorm} (${r.petName}) ${r.action === 'transfer' ? 'to the new owner' : 'to'} ${r.owner.name} with PetLifeLog, contact ${r.shareContact ? 'shared with finders' : 'kept private (finders are relayed)'}`
    const id = newId()
    store.insertLocal(petlifelogOutbox, {
      id,
      patientId: r.patientId,
      action: r.action,
      chip: r.chip,
      body: JSON.stringify(body),
      ownerClientId: r.owner.clientId,
      summary,
      state: 'pending',
      attempts: 0,
      lastError: null,
      queuedAt: now,
      nextAttemptAt: now,
      doneAt: null,
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role
    })
    // The link keeps what the service confirmed (send() writes it); asking only names this workstation as the keeper.
    const link = this.link(r.patientId)
    if (!link) {
      store.insert(petlifelogPatients, {
        id: r.patientId,
        shareContact: r.shareContact,
        chip: null,
        ownerClientId: null,
        ownerName: null,
        ownerPhone: null,
        ownerEmail: null,
        requestedAt: now,
        deviceId: this.opts.deviceId,
        registeredAt: null,
        confirmedAt: null
      })
    } else if (actor !== SYSTEM_ACTOR) store.update(petlifelogPatients, r.patientId, { requestedAt: now, deviceId: this.opts.deviceId })
    audit.append({
      action: 'petlifelog.queued',
      direction: 'internal',
      actor,
      patientId: r.patientId,
      entityType: 'patient',
      entityId: r.patientId,
      summary: `${summary} (queued for ${r.why})`,
      details: { outboxId: id, action: r.action, chip: r.chipNorm }
    })
    return id
  }

  // ------------------------------------------------------------------ the outbox loop

  /** Sends what is due; one pass at a time, another pass when asked meanwhile. */
  drain(): Promise<void> {
    if (this.draining) {
      this.rerun = true
      return this.draining
    }
    this.draining = (async () => {
      do {
        this.rerun = false
        try {
          await this.sendDue()
        } catch (e) {
          // A pass that broke leaves its items pending for the next one; the loop goes on.
          this.opts.log?.(`petlifelog: ${(e as Error).stack ?? e}`)
        }
      } while (this.rerun && !this.closed)
    })().finally(() => {
      this.draining = null
      this.schedule()
    })
    return this.draining
  }

  /** Set up, approved, pointed elsewhere or given a new key: what waits is tried at once. Status updates alone change nothing. */
  private integrationChanged(): void {
    const target = this.client().target('petlifelog')
    const approval = target ? this.integrations.list().find((i) => i.id === target.integrationId)?.approval : null
    const key = JSON.stringify([target, approval?.approvedAt, approval?.categories])
    if (key === this.integrationKey) return
    this.integrationKey = key
    this.retryNow()
  }

  private integrationKey: string | null = null

  /** The link is back (or the integration changed): everything waiting is due now. */
  private retryNow(): void {
    if (this.closed) return
    this.core.store.statement("UPDATE petlifelog_outbox SET next_attempt_at = ? WHERE state = 'pending'").run(this.core.store.nowIso())
    void this.drain()
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.closed || !this.sub) return
    const next = this.core.store.statement("SELECT min(next_attempt_at) FROM petlifelog_outbox WHERE state = 'pending'").pluck().get() as string | null
    if (!next) return
    this.timer = setTimeout(() => void this.drain(), Math.max(0, Date.parse(next) - Date.now()))
    this.timer.unref()
  }

  private async sendDue(): Promise<void> {
    const rows = this.core.store.statement("SELECT * FROM petlifelog_outbox WHERE state = 'pending' ORDER BY seq").all() as RawOutbox[]
    // A patient's sends go in order: one still waiting holds back the ones after it.
    const held = new Set<string>()
    const now = this.core.store.nowIso()
    for (const row of rows) {
      if (this.closed) return // the app is closing: the rest goes at the next start
      if (held.has(row.patient_id)) continue
      if (row.next_attempt_at && row.next_attempt_at > now) {
        held.add(row.patient_id)
        continue
      }
      const went = await this.send(row)
      // Unreachable for one is unreachable for all: the rest wait for the next attempt.
      if (went === 'offline') return
      if (went === 'waiting') held.add(row.patient_id)
    }
  }

  private async send(row: RawOutbox): Promise<'sent' | 'failed' | 'offline' | 'waiting'> {
    const { store, audit } = this.core
    // Still pending (an opt-out may have dropped it meanwhile)?
    if (store.statement('SELECT state FROM petlifelog_outbox WHERE id = ?').pluck().get(row.id) !== 'pending') return 'failed'
    if (this.optedOut(row.patient_id)) {
      store.tx(() => {
        this.drop(row.patient_id, 'opted out of PetLifeLog')
        audit.append({ action: 'petlifelog.refused', direction: 'outbound', outcome: 'refused', actor: actorOf(row), patientId: row.patient_id, summary: `Refused: ${row.summary}. The clinic opted this patient out of PetLifeLog` })
      })
      this.changed(row.patient_id)
      return 'failed'
    }
    const path = `/v1/chips/${encodeURIComponent(row.chip)}${row.action === 'transfer' ? '/transfer' : ''}`
    try {
      const answer = await this.client().send<ServiceRegistration>({
        kind: 'petlifelog',
        method: row.action === 'transfer' ? 'POST' : 'PUT',
        path,
        body: JSON.parse(row.body) as unknown,
        categories: REGISTRATION_CATEGORIES,
        summary: row.summary,
        actor: actorOf(row),
        patientId: row.patient_id
      })
      const registration = 'registration' in answer ? answer.registration : answer
      const now = store.nowIso()
      store.tx(() => {
        store.statement("UPDATE petlifelog_outbox SET state = 'sent', attempts = attempts + 1, last_error = NULL, done_at = ? WHERE id = ?").run(now, row.id)
        // What failed before for this patient is superseded by what the service now holds.
        store.statement("UPDATE petlifelog_outbox SET state = 'dropped', done_at = ? WHERE patient_id = ? AND state = 'failed' AND seq < ?").run(now, row.patient_id, row.seq)
        const sent = JSON.parse(row.body) as { ownerName: string; ownerPhone: string | null; ownerEmail: string | null; shareContact: boolean }
        if (this.link(row.patient_id)) {
          store.update(petlifelogPatients, row.patient_id, {
            chip: registration.chip,
            ownerClientId: row.owner_client_id,
            ownerName: sent.ownerName,
            ownerPhone: sent.ownerPhone,
            ownerEmail: sent.ownerEmail,
            shareContact: registration.owner.shareContact,
            confirmedAt: now,
            registeredAt: registration.createdAt
          })
        }
      })
      this.outcomes.delete(row.id)
      this.setStatus('connected', null)
      this.changed(row.patient_id)
      return 'sent'
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError('internal-error', `PetLifeLog: ${(e as Error).message}`)
      if (!(e instanceof ApiError)) this.opts.log?.(`petlifelog: ${(e as Error).stack ?? e}`)
      if (this.waiting.has(row.id)) this.outcomes.set(row.id, error)
      if (error.code === 'offline' || e instanceof ProveniqOffline) {
        const attempts = row.attempts + 1
        const retry = this.opts.retry ?? RETRY
        const pause = Math.min(retry.firstMs * 2 ** (attempts - 1), retry.maxMs)
        store.statement('UPDATE petlifelog_outbox SET attempts = ?, last_error = ? WHERE id = ?').run(attempts, `${error.message}; waiting to send again`, row.id)
        // Unreachable for one is unreachable for all: everything waiting tries again together (a row left due would spin the timer).
        store.statement("UPDATE petlifelog_outbox SET next_attempt_at = ? WHERE state = 'pending'").run(new Date(Date.now() + pause).toISOString())
        const waiting = store.statement("SELECT count(*) FROM petlifelog_outbox WHERE state = 'pending'").pluck().get() as number
        this.setStatus('error', `${error.message}; ${waiting} registration(s) waiting in the outbox`)
        this.changed(row.patient_id)
        return 'offline'
      }
      store.tx(() => {
        store.statement("UPDATE petlifelog_outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?").run(error.message, store.nowIso(), row.id)
        // The gate audits its own refusals and the client the service's; "not set up" is refused before either.
        if (error.code === 'consent-refused' && !(e instanceof ConsentRefused)) {
          audit.append({ action: 'petlifelog.refused', direction: 'outbound', outcome: 'refused', actor: actorOf(row), patientId: row.patient_id, summary: `Refused: ${row.summary}. ${error.message}` })
        }
      })
      this.changed(row.patient_id)
      return 'failed'
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The clinic opted this patient out (here or on another workstation). */
  private optedOut(patientId: string): boolean {
    const o = this.core.store.byId(petlifelogOptOuts, patientId)
    return !!o && o.optOut && !o.deletedAt
  }

  private link(patientId: string): PatientLink | undefined {
    const link = this.core.store.byId(petlifelogPatients, patientId)
    return link && !link.deletedAt ? link : undefined
  }

  /** The owner as PetLifeLog needs them: a name and a phone or an e-mail (primary first). */
  private owner(clientId: string): Owner {
    const c = this.clients.getClient(clientId)
    const first = (kind: 'phone' | 'email') => [...c.contacts].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary)).find((x) => x.kind === kind)?.value ?? null
    const owner = { clientId, name: ownerName(c), phone: first('phone'), email: first('email') }
    if (!owner.phone && !owner.email) {
      throw new ApiError('invalid-input', `${owner.name} has no phone number or e-mail: PetLifeLog registers a chip only to an owner it can reach. Add one to the client first.`, [
        { path: 'patientId', message: 'the owner has no phone or e-mail' }
      ])
    }
    return owner
  }

  /** Drops what waits for this patient (inside the caller's transaction); how many. */
  private drop(patientId: string, why: string): number {
    return this.core.store.statement("UPDATE petlifelog_outbox SET state = 'dropped', last_error = ?, done_at = ? WHERE patient_id = ? AND state IN ('pending', 'failed')").run(why, this.core.store.nowIso(), patientId).changes
  }

  /** Opted out on another workstation: what this one still holds for those patients goes. */
  private dropOptedOut(): void {
    const ids = this.core.store
      .statement("SELECT DISTINCT o.patient_id FROM petlifelog_outbox o JOIN petlifelog_opt_outs x ON x.id = o.patient_id WHERE o.state IN ('pending', 'failed') AND x.opt_out = 1 AND x.deleted_at IS NULL")
      .pluck()
      .all() as string[]
    for (const id of ids) {
      this.core.store.tx(() => {
        const n = this.drop(id, 'opted out of PetLifeLog')
        this.core.audit.append({ action: 'petlifelog.dropped', direction: 'internal', actor: SYSTEM_ACTOR, patientId: id, summary: `${n} waiting PetLifeLog send(s) dropped: the patient was opted out on another workstation` })
      })
      this.changed(id)
    }
  }

  private keptHere(): string[] {
    return this.core.store.statement('SELECT l.id FROM petlifelog_patients l WHERE l.device_id = ? AND l.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM petlifelog_opt_outs x WHERE x.id = l.id AND x.opt_out = 1 AND x.deleted_at IS NULL)').pluck().all(this.opts.deviceId) as string[]
  }

  /** The registrations this client is (or becomes) the owner of. */
  private patientsOfClient(clientId: string): string[] {
    return this.core.store
      .statement('SELECT l.id FROM petlifelog_patients l LEFT JOIN patients p ON p.id = l.id WHERE l.device_id = ? AND (l.owner_client_id = ? OR p.client_id = ?)')
      .pluck()
      .all(this.opts.deviceId, clientId, clientId) as string[]
  }

  /** The Integrations screen's live status of PetLifeLog, as the outbox last found it. */
  private setStatus(state: 'connected' | 'error', detail: string | null): void {
    const target = this.client().target('petlifelog')
    if (target) this.integrations.setStatus(target.integrationId, state, detail)
  }

  private changed(patientId: string): void {
    this.core.events.emit('changed', { entity: 'petlifelog', id: patientId, patientId })
  }

  /** A registration that cannot be queued must not break the change that asked for it. */
  private safely(fn: () => void): void {
    if (this.closed) return
    try {
      fn()
    } catch (e) {
      this.opts.log?.(`petlifelog: ${(e as Error).message}`)
    }
  }
}

interface RawOutbox {
  seq: number
  id: string
  patient_id: string
  action: Action
  chip: string
  body: string
  owner_client_id: string | null
  summary: string
  state: OutboxRow['state']
  attempts: number
  last_error: string | null
  queued_at: string
  next_attempt_at: string | null
  done_at: string | null
  actor_id: string
  actor_name: string
  actor_role: string
}

const actorOf = (r: RawOutbox): Actor => ({ id: r.actor_id, name: r.actor_name, role: r.actor_role as Actor['role'] })

function toItem(r: RawOutbox): PetLifeLogOutboxItem {
  return {
    id: r.id,
    action: r.action,
    chip: r.chip,
    summary: r.summary,
    state: r.state === 'failed' ? 'failed' : 'pending',
    attempts: r.attempts,
    lastError: r.last_error,
    queuedAt: r.queued_at,
    nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null
  }
}

/** As typed or scanned, normalised as everywhere in VetOS; a clear error for what is no chip number. */
export function parseChip(input: string) {
  try {
    return parseMicrochip(input)
  } catch (e) {
    if (e instanceof MicrochipError) throw new ApiError('invalid-input', e.message, [{ path: 'chip', message: e.message }])
    throw e
  }
}
