/**
 * PetLifeLog on the workstation, with real processes: the PROVENIQ service in process on a fresh
 * PostgreSQL database, a demo clinic's app as its member "Riverside Vets", and a shelter looking chips
 * up with its own key. Registrations are proved at the service (its registry and history tables), a
 * lookup answers the owner's contact only when the owner allowed it, offline registrations wait and
 * go when the service returns (also across a workstation restart), and nothing goes out for an
 * opted-out patient or without approval for owner_contact. The opt-out reaches a second workstation
 * of the clinic by sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { createApp, type App } from '../../src-main/app'
import { PROVENIQ_MIGRATIONS } from '../../src-proveniq/cli/open'
import { startProveniqServer, type ProveniqServer } from '../../src-proveniq/http'
import { openPostgres, type Db } from '../../src-server/db'
import type { ApiResponse, MethodInput, MethodName, MethodOutput } from '../../src-preload/contract'
import { freshDatabase, type TestDatabase } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { joinWorkstation, syncedClinic, type SyncedClinic, type Workstation } from '../helpers/sync'
import { until } from '../helpers/wait'
import { call, newMember, type TestMember } from '../proveniq/fixture'

let database: TestDatabase
let db: Db
let server: ProveniqServer | null = null
let port = 0
let url = ''
let clinic: TestMember
let shelter: TestMember
let ws: Station
const dir = tempDir('vetos-petlifelog-')

interface Station {
  app: App
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  raw(method: MethodName, input: unknown): Promise<ApiResponse<unknown>>
}

/** The demo clinic's app on the test's data folder, started and signed in as a front-desk person. */
async function openStation(): Promise<Station> {
  const app = createApp({ dataDir: dir, demo: true, host: 'hub', log: () => {}, petlifelog: { retry: { firstMs: 200, maxMs: 1000 } } })
  await app.start()
  let token: string | null = null
  const raw = async (method: MethodName, input: unknown) => app.dispatch(method, input, token)
  const callIt = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const r = await raw(method, input)
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`)
    return r.result as MethodOutput<M>
  }
  const admin = app.services.staff.list().find((s) => s.role === 'admin')!
  token = (await callIt('auth.login', { staffId: admin.id, pin: '1234' })).token
  return { app, call: callIt, raw }
}

async function startServer(): Promise<void> {
  server = await startProveniqServer({ db, port, liveTimeoutMs: 1000 })
  url = server.url
  port = Number(new URL(url).port)
}

async function stopServer(): Promise<void> {
  await server?.close()
  server = null
}

interface Pet {
  id: string
  name: string
  client_id: string
  microchip: string
  microchip_norm: string
}

const sql = () => ws.app.core.store.sqlite
const used = new Set<string>()

/** A demo patient with a chip whose owner has a phone or e-mail, not used by an earlier test. */
function pet(): Pet {
  const rows = sql()
    .prepare(
      `SELECT p.id, p.name, p.client_id, p.microchip, p.microchip_norm FROM patients p
       WHERE p.microchip_norm IS NOT NULL AND p.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM client_contacts c WHERE c.client_id = p.client_id AND c.deleted_at IS NULL)
       ORDER BY p.id`
    )
    .all() as Pet[]
  const p = rows.find((r) => !used.has(r.id) && ![...used].some((u) => rows.find((x) => x.id === u)?.client_id === r.client_id))
  if (!p) throw new Error('no demo patient left with a chip and a reachable owner')
  used.add(p.id)
  return p
}

const registry = async (chip: string) => (await db.query<{ owner_name: string; owner_phone: string | null; owner_email: string | null; share_contact: boolean; pet_name: string | null }>('SELECT * FROM chip_registry WHERE chip = $1', [chip]))[0]
const history = async (chip: string) => db.query<{ reason: string; owner_name: string }>('SELECT reason, owner_name FROM registry_history WHERE chip = $1 ORDER BY id', [chip])
const status = (patientId: string) => ws.call('petlifelog.status', { patientId })
const audited = (action: string, patientId: string) => sql().prepare('SELECT summary FROM audit_log WHERE action = ? AND patient_id = ? ORDER BY seq').pluck().all(action, patientId) as string[]

let integrationId: string

beforeAll(async () => {
  database = await freshDatabase()
  db = await openPostgres(database.url, PROVENIQ_MIGRATIONS)
  await startServer()
  clinic = await newMember(db, 'Riverside Vets', 'clinic')
  shelter = await newMember(db, 'Hillside Shelter', 'shelter')
  ws = await openStation()
  // This test's service only: any PetLifeLog the demo set up is switched off.
  for (const other of (await ws.call('integrations.list', {})).filter((x) => x.kind === 'petlifelog')) await ws.call('integrations.update', { id: other.id, enabled: false })
  const i = await ws.call('integrations.create', { kind: 'petlifelog', name: 'PetLifeLog', enabled: true, config: { baseUrl: url, apiKey: clinic.key } })
  integrationId = i.id
  await ws.call('integrations.approve', { id: i.id, categories: ['microchip', 'owner_contact'] })
}, 30_000)

afterAll(async () => {
  await ws?.app.close()
  rmSync(dir, { recursive: true, force: true })
  await stopServer()
  await db?.close()
  await database?.drop()
})

describe('PetLifeLog on the workstation', () => {
  it('looks a chip up: not registered, and a clear error for what is not a chip number', async () => {
    const answer = await ws.call('petlifelog.lookup', { chip: 'FDX-B 985 000 000 000 777' })
    expect(answer).toMatchObject({ outcome: 'not-registered', chip: '985000000000777', chipType: 'iso', missingReports: [] })
    const bad = await ws.raw('petlifelog.lookup', { chip: '12-34' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(!bad.ok && bad.error.message).toMatch(/not a microchip number/)
    // Nothing left for a number that is no chip; the lookup itself is in the audit log.
    expect(sql().prepare("SELECT count(*) FROM audit_log WHERE action = 'proveniq.sent' AND summary LIKE '%985000000000777%'").pluck().get()).toBe(1)
  })

  let kept: Pet
  it('registers without sharing: a finder elsewhere is told the owner was notified, never the contact', async () => {
    kept = pet()
    const s = await ws.call('petlifelog.register', { patientId: kept.id, shareContact: false })
    expect(s).toMatchObject({ state: 'registered', chip: kept.microchip_norm, registration: { chip: kept.microchip_norm, shareContact: false }, outbox: [] })
    const row = await registry(kept.microchip_norm)
    expect(row).toMatchObject({ pet_name: kept.name, share_contact: false })
    const found = await call(url, shelter.key, 'GET', `/v1/chips/${kept.microchip_norm}`)
    expect(found.status).toBe(200)
    expect(found.body).toMatchObject({ registered: true, shareContact: false, ownerNotified: true, message: 'the owner has been notified through PetLifeLog' })
    expect(found.body.owner).toBeUndefined()
    expect(found.text).not.toContain(row.owner_name)
    // The clinic's own lookup answers the same way, in the contract's words.
    const mine = await ws.call('petlifelog.lookup', { chip: kept.microchip })
    expect(mine).toMatchObject({ outcome: 'owner-notified', petName: kept.name })
    expect(audited('outbound.permitted', kept.id).some((s) => s.includes(`Register microchip ${kept.microchip_norm}`))).toBe(true)
  })

  let shared: Pet
  it('registers with sharing: a finder elsewhere gets the owner’s contact', async () => {
    shared = pet()
    await ws.call('petlifelog.register', { patientId: shared.id, shareContact: true })
    const owner = ws.app.services.clients.getClient(shared.client_id)
    const found = await call(url, shelter.key, 'GET', `/v1/chips/${shared.microchip_norm}`)
    expect(found.body).toMatchObject({ registered: true, shareContact: true, owner: { name: `${owner.firstName} ${owner.lastName}` } })
    const contacts = [found.body.owner.phone, found.body.owner.email]
    expect(owner.contacts.some((c) => contacts.includes(c.value))).toBe(true)
  })

  it('sends the owner’s new phone number by itself', async () => {
    const owner = ws.app.services.clients.getClient(kept.client_id)
    await ws.call('clients.update', {
      id: owner.id,
      firstName: owner.firstName,
      lastName: owner.lastName,
      address: owner.address,
      notes: owner.notes,
      email: owner.contacts.find((c) => c.kind === 'email')?.value ?? null,
      phones: [{ label: 'mobile', number: '+1 555 0199' }]
    })
    await until(() => sql().prepare("SELECT count(*) FROM petlifelog_outbox WHERE patient_id = ? AND action = 'update' AND state = 'sent'").pluck().get(kept.id) === 1, 10_000, 'the update sent')
    expect((await registry(kept.microchip_norm)).owner_phone).toBe('+1 555 0199')
    expect((await history(kept.microchip_norm)).map((h) => h.reason)).toEqual(['update'])
    expect((await status(kept.id)).state).toBe('registered')
  })

  it('transfers the registration when the patient changes owner', async () => {
    const next = sql()
      .prepare("SELECT c.id, c.first_name, c.last_name FROM clients c WHERE c.id != ? AND c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM client_contacts k WHERE k.client_id = c.id AND k.deleted_at IS NULL) LIMIT 1")
      .get(kept.client_id) as { id: string; first_name: string; last_name: string }
    // As the patient page's Change owner dialog makes it.
    await ws.call('patients.changeOwner', { id: kept.id, clientId: next.id, reason: 'Rehomed to a new family' })
    await until(() => sql().prepare("SELECT count(*) FROM petlifelog_outbox WHERE patient_id = ? AND action = 'transfer' AND state = 'sent'").pluck().get(kept.id) === 1, 10_000, 'the transfer sent')
    expect((await registry(kept.microchip_norm)).owner_name).toBe(`${next.first_name} ${next.last_name}`)
    expect((await history(kept.microchip_norm)).map((h) => h.reason)).toEqual(['update', 'transfer'])
    expect(await status(kept.id)).toMatchObject({ state: 'registered', registration: { ownerName: `${next.first_name} ${next.last_name}` } })
  })

  it('registers a new chip when the patient gets one', async () => {
    const p = (await ws.call('patients.get', { id: shared.id })).patient
    const chip = '985000111222333'
    await ws.call('patients.update', {
      id: p.id,
      name: p.name,
      species: p.species as 'canine',
      breed: p.breed,
      sex: p.sex,
      neuterStatus: p.neuterStatus,
      dateOfBirth: p.dateOfBirth,
      dobEstimated: p.dobEstimated,
      color: p.color,
      microchip: `FDX-B ${chip}`
    })
    await until(() => ws.app.services.petlifelog.status(p.id).registration?.chip === chip, 10_000, 'the new chip registered')
    expect(await registry(chip)).toMatchObject({ pet_name: p.name, share_contact: true })
    expect(await ws.call('petlifelog.status', { patientId: p.id })).toMatchObject({ state: 'registered', chip })
  })

  it('never shares a new owner’s contact because the earlier owner allowed it: a transfer is relayed only', async () => {
    const chip = ws.app.services.petlifelog.status(shared.id).registration!.chip
    expect(await registry(chip)).toMatchObject({ share_contact: true })
    const next = sql()
      .prepare("SELECT c.id, c.first_name, c.last_name FROM clients c WHERE c.id != ? AND c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM client_contacts k WHERE k.client_id = c.id AND k.deleted_at IS NULL) ORDER BY c.id DESC LIMIT 1")
      .get(shared.client_id) as { id: string; first_name: string; last_name: string }
    await ws.call('patients.changeOwner', { id: shared.id, clientId: next.id, reason: 'Adopted' })
    await until(() => sql().prepare("SELECT count(*) FROM petlifelog_outbox WHERE patient_id = ? AND action = 'transfer' AND state = 'sent'").pluck().get(shared.id) === 1, 10_000, 'the transfer sent')
    expect((await registry(chip)).owner_name).toBe(`${next.first_name} ${next.last_name}`)
    expect(await registry(chip)).toMatchObject({ share_contact: false })
    const found = await call(url, shelter.key, 'GET', `/v1/chips/${chip}`)
    expect(found.body).toMatchObject({ registered: true, shareContact: false, ownerNotified: true })
    expect(found.body.owner).toBeUndefined()
    expect((await status(shared.id)).registration).toMatchObject({ sameOwner: true, shareContact: false })
  })

  it('keeps a registration made while PetLifeLog is down and sends it when the service returns', async () => {
    const p = pet()
    await stopServer()
    const waiting = await ws.call('petlifelog.register', { patientId: p.id, shareContact: true })
    expect(waiting.state).toBe('pending')
    expect(waiting.outbox).toEqual([expect.objectContaining({ action: 'register', state: 'pending', lastError: expect.stringContaining('PetLifeLog cannot be reached') })])
    // A lookup offline says it could not be made.
    const offline = await ws.raw('petlifelog.lookup', { chip: p.microchip })
    expect(offline).toMatchObject({ ok: false, error: { code: 'offline', message: expect.stringContaining('could not be looked up') } })
    expect(await registry(p.microchip_norm)).toBeUndefined()
    await startServer()
    await until(() => ws.app.services.petlifelog.status(p.id).state === 'registered', 15_000, 'the registration sent once the service returned')
    expect(await registry(p.microchip_norm)).toMatchObject({ pet_name: p.name, share_contact: true })
  })

  it('keeps what waits across a workstation restart', async () => {
    const p = pet()
    await stopServer()
    expect((await ws.call('petlifelog.register', { patientId: p.id, shareContact: false })).state).toBe('pending')
    await ws.app.close()
    await startServer()
    ws = await openStation()
    await until(() => ws.app.services.petlifelog.status(p.id).state === 'registered', 15_000, 'the registration sent after the restart')
    expect(await registry(p.microchip_norm)).toMatchObject({ pet_name: p.name, share_contact: false })
    expect(sql().prepare("SELECT count(*) FROM petlifelog_outbox WHERE patient_id = ? AND state = 'sent'").pluck().get(p.id)).toBe(1)
  })

  it('sends nothing for an opted-out patient, and drops what waited for it', async () => {
    const p = pet()
    await stopServer()
    expect((await ws.call('petlifelog.register', { patientId: p.id, shareContact: true })).state).toBe('pending')
    const out = await ws.call('petlifelog.setOptOut', { patientId: p.id, optOut: true })
    expect(out).toMatchObject({ state: 'opted-out', optOut: true, outbox: [] })
    const refused = await ws.raw('petlifelog.register', { patientId: p.id, shareContact: true })
    expect(refused).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('opted out') } })
    expect(audited('petlifelog.refused', p.id)).toHaveLength(1)
    // Not even looked up: the chip is one of the clinic's opted-out patients.
    expect(await ws.raw('petlifelog.lookup', { chip: p.microchip })).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('opted out') } })
    await startServer()
    // Something else goes meanwhile, so the outbox has run since the service returned.
    const other = pet()
    await ws.call('petlifelog.register', { patientId: other.id, shareContact: false })
    expect(await registry(other.microchip_norm)).toBeDefined()
    expect(await registry(p.microchip_norm)).toBeUndefined()
    expect(sql().prepare("SELECT state FROM petlifelog_outbox WHERE patient_id = ?").pluck().all(p.id)).toEqual(['dropped'])
  })

  it('sends nothing without approval for owner_contact, and the refusal is in the audit log', async () => {
    const p = pet()
    await ws.call('integrations.approve', { id: integrationId, categories: ['microchip'] })
    try {
      const refused = await ws.raw('petlifelog.register', { patientId: p.id, shareContact: false })
      expect(refused).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('owner_contact') } })
      const s = await status(p.id)
      expect(s).toMatchObject({ state: 'failed', approval: { microchip: true, ownerContact: false, problem: expect.stringContaining('owner_contact') } })
      expect(s.outbox[0].lastError).toContain('owner_contact')
      expect(audited('outbound.refused', p.id)).toEqual([expect.stringContaining('not approved for: owner_contact')])
      expect(await registry(p.microchip_norm)).toBeUndefined()
    } finally {
      await ws.call('integrations.approve', { id: integrationId, categories: ['microchip', 'owner_contact'] })
    }
  })

  it('shows the service’s refusal in its words and does not retry it', async () => {
    // The shelter registered this chip first: it is not this clinic's to update.
    const p = pet()
    const taken = await call(url, shelter.key, 'PUT', `/v1/chips/${p.microchip_norm}`, { ownerName: 'Shelter Owner', ownerPhone: '555 0100' })
    expect(taken.status).toBe(201)
    const refused = await ws.raw('petlifelog.register', { patientId: p.id, shareContact: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('registered by Hillside Shelter') } })
    const s = await status(p.id)
    expect(s).toMatchObject({ state: 'failed', outbox: [expect.objectContaining({ state: 'failed', attempts: 1, lastError: expect.stringContaining('Hillside Shelter') })] })
    expect((await registry(p.microchip_norm)).owner_name).toBe('Shelter Owner')
  })
})

describe('PetLifeLog opt-out across the clinic', () => {
  let sync: SyncedClinic
  let a: Workstation
  let b: Workstation

  beforeAll(async () => {
    sync = await syncedClinic()
    a = await joinWorkstation(sync, 'front')
    b = await joinWorkstation(sync, 'exam')
    await a.signIn()
    await b.signIn()
  }, 60_000)

  afterAll(async () => {
    await a?.close()
    await b?.close()
    await sync?.close()
  })

  it('reaches the other workstation, which then refuses to send the patient', async () => {
    const client = a.call('clients.create', { firstName: 'Mara', lastName: 'Quill', phones: [{ label: 'mobile', number: '555 0142' }] })
    const pet = a.call('patients.create', { clientId: client.id, name: 'Pip', species: 'feline', sex: 'female', neuterStatus: 'neutered', dobEstimated: false, microchip: '985112233445566' })
    await until(() => b.app.core.store.sqlite.prepare('SELECT 1 FROM patients WHERE id = ?').get(pet.id) !== undefined, 15_000, 'the patient on the other workstation')
    a.call('petlifelog.setOptOut', { patientId: pet.id, optOut: true })
    await until(() => b.app.services.petlifelog.status(pet.id).optOut, 15_000, 'the opt-out on the other workstation')
    const refused = await b.raw('petlifelog.register', { patientId: pet.id, shareContact: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'consent-refused', message: expect.stringContaining('opted out') } })
  })

  it('is not undone by a registration asked for on another workstation before the opt-out reached it', async () => {
    const client = a.call('clients.create', { firstName: 'Lena', lastName: 'Ortiz', phones: [{ label: 'mobile', number: '555 0177' }] })
    const pet = a.call('patients.create', { clientId: client.id, name: 'Bramble', species: 'canine', sex: 'male', neuterStatus: 'neutered', dobEstimated: false, microchip: '985112233445577' })
    await until(() => b.app.core.store.sqlite.prepare('SELECT 1 FROM patients WHERE id = ?').get(pet.id) !== undefined, 15_000, 'the patient on the other workstation')
    // B opts out; A, which has not heard yet, asks to register (its registration record is written later than the opt-out).
    b.call('petlifelog.setOptOut', { patientId: pet.id, optOut: true })
    await a.raw('petlifelog.register', { patientId: pet.id, shareContact: true })
    await until(() => a.app.services.petlifelog.status(pet.id).optOut, 15_000, 'the opt-out on the registering workstation')
    // A round trip later, both still hold the opt-out.
    a.call('clients.update', { id: client.id, firstName: 'Lena', lastName: 'Ortiz', address: null, notes: null, email: null, phones: [{ label: 'mobile', number: '555 0178' }] })
    await until(() => (b.app.core.store.sqlite.prepare("SELECT value FROM client_contacts WHERE client_id = ? AND deleted_at IS NULL AND kind = 'phone'").pluck().get(client.id) as string | undefined) === '555 0178', 15_000, 'a later change on the other workstation')
    expect(a.app.services.petlifelog.status(pet.id).optOut).toBe(true)
    expect(b.app.services.petlifelog.status(pet.id).optOut).toBe(true)
  })
})
