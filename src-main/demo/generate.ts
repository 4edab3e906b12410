import type Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { readHeader } from '../imaging/dicom-file'
import { syntheticDental, syntheticRadiograph, syntheticUltrasound, type SyntheticStudy } from '../imaging/synthetic'
import { v7 as uuidv7 } from 'uuid'
import { clockTag, formatHlc } from '../core/hlc'
import { normalizeName, phoneDigits, reverse } from '../core/normalize'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { Core } from '../domain/core'
import type { Services } from '../app'
import { clinics } from '../db/schema'
import { dayRange, localDay } from '../core/clinic-day'
import { seedBillingHistory } from './billing-history'
import { PANELS, panelFor, rangeText, simulateValue } from '../simulators/analytes'
import { ALERTS, BREEDS, FIRST_NAMES, LAST_NAMES, OTHER_ALERTS, PET_NAMES, SPECIES_MIX, STREETS, TOWNS, VISIT_REASONS, isoMicrochip, phoneNumber, pick, rng } from './people'
import { BREED_PROFILES, COLORS_BY_SPECIES, FEMALE_NAMES, MALE_NAMES, NOTE_WORDS, VISIT_REASONS_BY_SPECIES, studyMisfit, usuallyNeutered, weightRangeAt } from './realism'

export const DEMO_PIN = '1234'
/** The demo's Stripe simulator: its port, key and card terminal. */
export const DEMO_STRIPE_PORT = 12111
export const DEMO_STRIPE_KEY = 'sk_test_vetos_simulator'
export const DEMO_READER = { id: 'tmr_demo_front', label: 'Front desk (WisePOS E)' }

/** The demo in-house analyzer: chemistry and T4, its analyte codes named as the clinic names them. */
export const DEMO_ANALYZER_PROFILE = {
  orderMessage: 'ORM^O01' as const,
  application: 'VETOS',
  facility: '',
  labApplication: 'VETSIM',
  labFacility: '',
  catalog: [
    { code: 'CHEM10', name: 'Chemistry panel (10)', specimen: 'Serum', kind: 'panel' as const },
    { code: 'T4', name: 'Total T4', specimen: 'Serum', kind: 'test' as const }
  ],
  speciesCodes: {},
  sexCodes: {},
  codeMap: Object.fromEntries(Object.values(PANELS).flatMap((p) => p.analytes.map((a) => [a.code, { code: a.code, name: a.name }])))
}

/** The demo reference lab: what it offers and how it codes species and sex. */
export const DEMO_LAB_PROFILE = {
  orderMessage: 'ORM^O01' as const,
  application: 'VETOS',
  facility: 'RIVERSIDE',
  labApplication: 'REFLAB',
  labFacility: 'SIMLAB',
  catalog: [
    { code: 'CBC', name: 'Complete blood count', specimen: 'EDTA whole blood', kind: 'panel' as const },
    { code: 'CHEM10', name: 'Chemistry panel (10)', specimen: 'Serum', kind: 'panel' as const },
    { code: 'T4', name: 'Total T4', specimen: 'Serum', kind: 'test' as const },
    { code: 'UA', name: 'Urinalysis', specimen: 'Urine', kind: 'panel' as const }
  ],
  speciesCodes: { canine: 'CANINE', feline: 'FELINE', equine: 'EQUINE', rabbit: 'RABBIT' },
  sexCodes: { 'male/neutered': 'MN', 'male/intact': 'M', 'female/neutered': 'FS', 'female/intact': 'F', 'male/unknown': 'M', 'female/unknown': 'F' }
}

export const DEMO_STAFF = [
  { displayName: 'Dr. Sarah Chen', username: 'schen', role: 'veterinarian', licenseNumber: 'VET-20417' },
  { displayName: 'Dr. Marcus Webb', username: 'mwebb', role: 'veterinarian', licenseNumber: 'VET-18842' },
  { displayName: 'Jamie Ortiz', username: 'jortiz', role: 'technician', licenseNumber: 'RVT-5531' },
  { displayName: 'Priya Nair', username: 'pnair', role: 'front_desk', licenseNumber: null },
  { displayName: 'Alex Morgan', username: 'amorgan', role: 'admin', licenseNumber: null }
] as const

export interface SeedOptions {
  clinicId: string
  deviceId: string
  clients: number
  /** average patients per client (at least one each) */
  patientsPerClient: number
  /** average visits per patient */
  visitsPerPatient: number
  vetIds: string[]
  authorIds: string[]
  seed?: number
  now?: Date
  /** share of patients with a microchip */
  chipShare?: number
  onProgress?: (done: number, total: number) => void
}

export interface SeedResult {
  clients: number
  patients: number
  visits: number
  notes: number
}

const DAY = 86_400_000

/**
 * Writes a clinic's history directly (the demo and the benchmark share it): clients with
 * contacts, patients, weights, alerts, visits over the last three years and notes. It is an
 * import, so it writes one audit entry for the whole batch rather than one per row.
 */
export function seedClinic(sqlite: Database.Database, o: SeedOptions): SeedResult {
  const r = rng(o.seed ?? 42)
  const now = (o.now ?? new Date()).getTime()
  const device = clockTag(o.deviceId)
  let counter = 0
  const stamp = (ms: number) => ({ created_at: new Date(ms).toISOString(), updated_at: formatHlc({ ms, counter: counter++ & 0xffff }, device) })
  const base = { clinic_id: o.clinicId, deleted_at: null, server_version: null }
  const ins = (table: string, cols: string[]) =>
    sqlite.prepare(`INSERT INTO ${table} (id, clinic_id, created_at, updated_at, deleted_at, server_version, ${cols.join(', ')}) VALUES (@id, @clinic_id, @created_at, @updated_at, @deleted_at, @server_version, ${cols.map((c) => '@' + c).join(', ')})`)
  const insClient = ins('clients', ['first_name', 'last_name', 'first_name_norm', 'last_name_norm', 'address', 'notes'])
  const insContact = ins('client_contacts', ['client_id', 'kind', 'label', 'value', 'search_key', 'is_primary'])
  const insPatient = ins('patients', ['client_id', 'name', 'name_norm', 'species', 'breed', 'sex', 'neuter_status', 'date_of_birth', 'dob_estimated', 'color', 'microchip', 'microchip_norm', 'microchip_type', 'deceased_at'])
  const insWeight = ins('patient_weights', ['patient_id', 'weight_grams', 'measured_at', 'recorded_by', 'corrects_id'])
  const insAlert = ins('patient_alerts', ['patient_id', 'kind', 'severity', 'text', 'resolves_id', 'recorded_by'])
  const insVisit = ins('visits', ['patient_id', 'veterinarian_id', 'reason', 'status', 'scheduled_at', 'started_at', 'ended_at'])
  const insNote = ins('clinical_notes', ['patient_id', 'visit_id', 'author_id', 'kind', 'subjective', 'objective', 'assessment', 'plan', 'body', 'amends_id'])

  const out: SeedResult = { clients: 0, patients: 0, visits: 0, notes: 0 }
  const usedChips = new Set<string>()
  const BATCH = 500
  const writeBatch = sqlite.transaction((count: number) => {
    for (let c = 0; c < count; c++) {
      const first = pick(r, FIRST_NAMES)
      const last = pick(r, LAST_NAMES)
      const since = now - Math.floor(r() * 3 * 365 * DAY) - DAY
      const clientId = uuidv7({ msecs: since })
      insClient.run({ id: clientId, ...base, ...stamp(since), first_name: first, last_name: last, first_name_norm: normalizeName(first), last_name_norm: normalizeName(last), address: `${1 + Math.floor(r() * 9000)} ${pick(r, STREETS)}, ${pick(r, TOWNS)}`, notes: null })
      const phones = r() < 0.3 ? 2 : 1
      for (let k = 0; k < phones; k++) {
        const number = phoneNumber(r)
        insContact.run({ id: uuidv7(), ...base, ...stamp(since), client_id: clientId, kind: 'phone', label: k === 0 ? 'mobile' : 'home', value: number, search_key: reverse(phoneDigits(number)), is_primary: k === 0 ? 1 : 0 })
      }
      if (r() < 0.7) {
        const email = `${normalizeName(first).replace(/ /g, '')}.${normalizeName(last).replace(/ /g, '')}${Math.floor(r() * 100)}@example.com`
        insContact.run({ id: uuidv7(), ...base, ...stamp(since), client_id: clientId, kind: 'email', label: 'email', value: email, search_key: email, is_primary: 1 })
      }
      out.clients++
      const pets = Math.max(1, Math.round((o.patientsPerClient - 1) * 2 * r() + 1))
      for (let p = 0; p < pets; p++) seedPatient(clientId, since, last)
    }
  })

  // Every draw below happens in the same order as before the realism pass, so the demo keeps its
  // patients (names, species, chips): only what did not fit the animal is drawn into its own range.
  const seedPatient = (clientId: string, since: number, ownerLast: string) => {
    const species = pick(r, SPECIES_MIX)
    const drawnSex = r() < 0.5 ? 'male' : 'female'
    const ageDraw = r()
    let chip: string | null = null
    if (r() < (o.chipShare ?? 0.6) && (species === 'canine' || species === 'feline' || species === 'ferret' || species === 'equine')) {
      chip = isoMicrochip(r)
      if (usedChips.has(chip)) chip = null
      else usedChips.add(chip)
    }
    const patientId = uuidv7({ msecs: since })
    const name = pick(r, PET_NAMES)
    const breed = pick(r, BREEDS[species] ?? ['Unknown'])
    const profile = BREED_PROFILES[breed]
    // A name owners give to one sex goes with that sex (no male Bella).
    const sex = FEMALE_NAMES.has(name) ? 'female' : MALE_NAMES.has(name) ? 'male' : drawnSex
    // Ages within the breed's life span, from eight weeks (the first vaccines).
    const lifeDays = (profile?.lifeYears ?? 14) * 365 * 0.9
    const ageDays = Math.floor(56 + ageDraw * (lifeDays - 56))
    const born = now - ageDays * DAY
    const dob = new Date(born).toISOString().slice(0, 10)
    const neuterDraw = r()
    const estimated = r() < 0.15 ? 1 : 0
    const color = pick(r, COLORS_BY_SPECIES[species] ?? ['brown'])
    // A patient who died did so after the first visit it could have had, and has no visit after.
    const deceasedDraw = r() < 0.03 ? r() : null
    const firstPossible = Math.max(since, born + 56 * DAY)
    const died = deceasedDraw === null ? null : now - Math.floor(deceasedDraw * Math.max(0, Math.min(200 * DAY, now - firstPossible - DAY)))
    insPatient.run({
      id: patientId, ...base, ...stamp(Math.max(since, born)), client_id: clientId, name, name_norm: normalizeName(name), species, breed,
      sex, neuter_status: neuterDraw < 0.7 && usuallyNeutered(species, sex) && ageDays > 180 ? 'neutered' : 'intact', date_of_birth: dob, dob_estimated: estimated, color,
      microchip: chip, microchip_norm: chip, microchip_type: chip ? 'iso' : null, deceased_at: died === null ? null : new Date(died).toISOString().slice(0, 10)
    })
    out.patients++
    if (r() < 0.08) {
      const a = pick(r, ['canine', 'feline', 'ferret'].includes(species) ? ALERTS : (OTHER_ALERTS[species] ?? OTHER_ALERTS.other))
      insAlert.run({ id: uuidv7(), ...base, ...stamp(since), patient_id: patientId, ...a, resolves_id: null, recorded_by: 'Jamie Ortiz' })
    }
    // The adult this animal grows into; each visit weighs it within 4% of that for its age then.
    const adult = r()
    const weighAt = (t: number, wobble: number) => {
      const [lo, hi] = weightRangeAt(breed, (t - born) / (30.44 * DAY)) ?? [1, 10]
      return (lo + adult * (hi - lo)) * (0.96 + wobble * 0.08)
    }
    const words = NOTE_WORDS[species] ?? NOTE_WORDS.canine
    const reasons = VISIT_REASONS_BY_SPECIES[species] ?? VISIT_REASONS
    const visitCount = Math.round(r() * 2 * o.visitsPerPatient)
    const until = died ?? now
    const times = Array.from({ length: visitCount }, () => firstPossible + Math.floor(r() * Math.max(0, until - firstPossible - 2 * 3600_000))).sort((a, b) => a - b)
    for (const t of times) {
      const vet = pick(r, o.vetIds)
      const visitId = uuidv7({ msecs: t })
      insVisit.run({ id: visitId, ...base, ...stamp(t), patient_id: patientId, veterinarian_id: vet, reason: pick(r, reasons), status: 'completed', scheduled_at: null, started_at: new Date(t).toISOString(), ended_at: new Date(t + 40 * 60_000).toISOString() })
      out.visits++
      const kg = weighAt(t, r())
      insWeight.run({ id: uuidv7({ msecs: t }), ...base, ...stamp(t), patient_id: patientId, weight_grams: Math.max(1, Math.round(kg * 1000)), measured_at: new Date(t).toISOString(), recorded_by: 'Jamie Ortiz', corrects_id: null })
      if (r() < 0.5) {
        const subjective = pick(r, words.subjective)
        const [tempDraw, hrDraw] = [r(), r()]
        const vitals = words.vitals ? `T ${(words.vitals.temp[0] + tempDraw * (words.vitals.temp[1] - words.vitals.temp[0])).toFixed(1)} °C, HR ${Math.round(words.vitals.hr[0] + hrDraw * (words.vitals.hr[1] - words.vitals.hr[0]))} bpm, ` : ''
        insNote.run({
          id: uuidv7({ msecs: t + 30 * 60_000 }), ...base, ...stamp(t + 30 * 60_000), patient_id: patientId, visit_id: visitId, author_id: vet, kind: 'soap',
          subjective: `Owner (${ownerLast}) reports ${subjective}.`,
          objective: `${vitals}weight ${kg < 1 ? `${Math.round(kg * 1000)} g` : `${kg.toFixed(2)} kg`}. ${pick(r, words.bcs)}.`,
          assessment: pick(r, words.assessment),
          plan: pick(r, words.plan),
          body: null, amends_id: null
        })
        out.notes++
      }
    }
  }

  for (let done = 0; done < o.clients; done += BATCH) {
    writeBatch(Math.min(BATCH, o.clients - done))
    o.onProgress?.(Math.min(done + BATCH, o.clients), o.clients)
  }
  return out
}

/** The demo clinic `--demo` opens on: staff (every PIN is 1234), a few hundred patients, today's visits, integrations. */
export function generateDemoClinic(s: Services, core: Core): void {
  const { store, audit } = core
  store.tx(() => {
    store.insert(clinics, { id: store.clinicId, name: 'Riverside Veterinary Clinic', phone: '(555) 010-4400', email: 'frontdesk@riverside-vet.example', address: '120 River Rd, Riverton', timezone: 'America/Chicago', currency: 'USD', weightUnit: 'kg' })
  })
  const admin = s.staff.create(SYSTEM_ACTOR, { ...DEMO_STAFF[4], pin: DEMO_PIN })
  const actor = { id: admin.id, name: admin.displayName, role: admin.role }
  const members = DEMO_STAFF.slice(0, 4).map((m) => s.staff.create(actor, { ...m, pin: DEMO_PIN }))
  const vets = members.filter((m) => m.role === 'veterinarian').map((m) => m.id)
  const result = seedClinic(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, clients: 160, patientsPerClient: 1.5, visitsPerPatient: 3, vetIds: vets, authorIds: vets, seed: 7 })
  audit.append({ action: 'demo.generated', direction: 'internal', actor: SYSTEM_ACTOR, summary: `Demo clinic filled: ${result.clients} clients, ${result.patients} patients, ${result.visits} visits, ${result.notes} notes` })

  // A waiting room for today, so the veterinarian has notifications on first sign-in.
  const today = ['Bella', 'Max', 'Luna', 'Milo'].map((name) => s.search.search(name, 'name', 1, false)[0]).filter(Boolean)
  today.forEach((p, i) => s.visits.create(actor, { patientId: p.id, veterinarianId: vets[i % vets.length], reason: VISIT_REASONS[i], status: 'checked_in' }))
  // And appointments still to come today (the clinic's day: its timezone), for Today's Booked list.
  const dayEnd = Date.parse(dayRange(localDay(Date.now(), 'America/Chicago'), localDay(Date.now(), 'America/Chicago'), 'America/Chicago').end)
  ;['Charlie', 'Daisy'].map((name) => s.search.search(name, 'name', 1, false)[0]).filter(Boolean).forEach((p, i) => {
    const at = Math.min(Math.ceil((Date.now() + (60 + 45 * i) * 60_000) / (15 * 60_000)) * 15 * 60_000, dayEnd - (2 - i) * 60_000)
    s.visits.create(actor, { patientId: p.id, veterinarianId: vets[i % vets.length], reason: VISIT_REASONS[4 + i], status: 'booked', scheduledAt: new Date(at).toISOString() })
  })

  const lab = s.integrations.create(actor, { kind: 'reference_lab', name: 'Reference lab (simulator)', enabled: true, config: { host: '127.0.0.1', port: 2575, lab: DEMO_LAB_PROFILE, retrySeconds: 5 } })
  s.integrations.approve(actor, lab.id, ['patient_identity', 'lab_orders'])
  seedLabHistory(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, integrationId: lab.id, vetIds: vets })
  // VetOS dials the analyzer (here its simulator) and keeps redialling quietly while it is off.
  const analyzer = s.integrations.create(actor, { kind: 'analyzer', name: 'In-house chemistry analyzer (simulator)', enabled: true, config: { host: '127.0.0.1', port: 5001, lab: DEMO_ANALYZER_PROFILE } })
  s.integrations.approve(actor, analyzer.id, ['patient_identity', 'lab_orders'])
  // A urine analyzer just delivered and not profiled yet: in capture mode, so Integrations → Capture shows what it sends.
  s.integrations.create(actor, { kind: 'analyzer', name: 'Urine analyzer, new (simulator)', enabled: true, config: { host: '127.0.0.1', port: 5002, capture: true, lab: { ...DEMO_ANALYZER_PROFILE, catalog: [{ code: 'UA', name: 'Urinalysis', kind: 'panel' }], codeMap: {}, speciesCodes: {}, sexCodes: {} } } })
  s.integrations.create(actor, { kind: 'petlifelog', name: 'PetLifeLog microchip registry', enabled: false, config: { baseUrl: 'https://registry.petlifelog.example/api' } })
  // Card terminals through the Stripe simulator (--simulators runs it on this port); a real Stripe account is a key and no base URL.
  const cards = s.integrations.create(actor, { kind: 'payments', name: 'Stripe Terminal (simulator)', enabled: true, config: { baseUrl: `http://127.0.0.1:${DEMO_STRIPE_PORT}`, apiKey: DEMO_STRIPE_KEY } })
  s.integrations.approve(actor, cards.id, ['payments'])
  // A year of invoices, payments, refunds, credit notes and plans, so Checkout and the Financial Reports have history.
  const frontDesk = members.find((m) => m.role === 'front_desk')
  const billed = seedBillingHistory(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, days: 365, invoicesPerDay: 5, actorId: frontDesk?.id ?? null })
  audit.append({ action: 'demo.billing', direction: 'internal', actor: SYSTEM_ACTOR, summary: `Demo billing history: ${billed.invoices} invoices, ${billed.payments} payments, ${billed.refunds} refunds, ${billed.creditNotes} credit notes, ${billed.plans} payment plans` })
  const vet = members.find((m) => m.role === 'veterinarian')!
  seedImaging(s, store, actor, { id: vet.id, name: vet.displayName, role: 'veterinarian' })
}

/**
 * Two years of past lab work for some demo patients, so results and trends have history: orders
 * reviewed long ago, their reports attached. A few older dogs show creatinine creeping up.
 */
export function seedLabHistory(sqlite: Database.Database, o: { clinicId: string; deviceId: string; integrationId: string; vetIds: string[]; now?: Date; seed?: number }): number {
  const r = rng(o.seed ?? 11)
  const now = (o.now ?? new Date()).getTime()
  const device = clockTag(o.deviceId)
  let counter = 0
  const stamp = (ms: number) => ({ clinic_id: o.clinicId, created_at: new Date(ms).toISOString(), updated_at: formatHlc({ ms, counter: counter++ & 0xffff }, device), deleted_at: null, server_version: null })
  const ins = (table: string, cols: string[]) => sqlite.prepare(`INSERT INTO ${table} (id, clinic_id, created_at, updated_at, deleted_at, server_version, ${cols.join(', ')}) VALUES (@id, @clinic_id, @created_at, @updated_at, @deleted_at, @server_version, ${cols.map((c) => '@' + c).join(', ')})`)
  const insOrder = ins('lab_orders', ['order_number', 'patient_id', 'visit_id', 'integration_id', 'tests', 'specimen', 'priority', 'note', 'ordered_by', 'status', 'status_detail', 'filler_number'])
  const insEvent = ins('lab_order_events', ['order_id', 'status', 'detail', 'actor_name', 'occurred_at'])
  const insReport = ins('lab_reports', ['inbound_id', 'integration_id', 'order_number', 'filler_number', 'status', 'identifiers', 'observed_at', 'title'])
  const insObs = ins('lab_observations', ['report_id', 'code', 'name', 'sub_id', 'value_type', 'value_num', 'value_text', 'units', 'ref_range', 'ref_low', 'ref_high', 'flag', 'status', 'observed_at', 'instrument', 'supersedes_id', 'document_id'])
  const insLink = ins('lab_report_links', ['report_id', 'action', 'patient_id', 'order_id', 'automatic', 'reason', 'actor_id', 'actor_name'])
  const patientsToSeed = sqlite
    .prepare("SELECT p.id, p.name, p.species, p.date_of_birth, c.last_name FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.species IN ('canine', 'feline') AND p.deceased_at IS NULL ORDER BY p.id LIMIT 30")
    .all() as { id: string; name: string; species: string; date_of_birth: string | null; last_name: string }[]
  const inboundId = uuidv7()
  let orders = 0
  sqlite.transaction(() => {
    sqlite.prepare("INSERT INTO inbound_messages (id, integration_id, transport, peer, received_at, raw, status, processed_at, summary) VALUES (?, ?, 'import', 'demo', ?, ?, 'processed', ?, 'Lab history imported with the demo clinic')").run(inboundId, o.integrationId, new Date(now).toISOString(), Buffer.from('demo lab history'), new Date(now).toISOString())
    patientsToSeed.forEach((p, idx) => {
      const kidneys = idx % 6 === 0 // a chronic kidney disease story: creatinine rising visit after visit
      const visits = 2 + Math.floor(r() * 5)
      for (let v = 0; v < visits; v++) {
        const at = now - Math.floor(((visits - v) / visits) * 730 * DAY) + Math.floor(r() * 20 * DAY)
        const panels = r() < 0.5 ? ['CHEM10'] : ['CHEM10', 'CBC']
        const orderId = uuidv7({ msecs: at })
        const orderNumber = `H${String(++orders).padStart(7, '0')}`
        const vet = pick(r, o.vetIds)
        insOrder.run({ id: orderId, ...stamp(at), order_number: orderNumber, patient_id: p.id, visit_id: null, integration_id: o.integrationId, tests: JSON.stringify(panels.map((c) => ({ code: c, name: PANELS[c].title }))), specimen: 'Serum', priority: 'routine', note: null, ordered_by: vet, status: 'reviewed', status_detail: null, filler_number: `SIM-${orderNumber}` })
        for (const [i, st] of ['queued', 'sent', 'accepted', 'final', 'reviewed'].entries()) insEvent.run({ id: uuidv7({ msecs: at + i * 3600_000 }), ...stamp(at + i * 3600_000), order_id: orderId, status: st, detail: null, actor_name: null, occurred_at: new Date(at + i * 3600_000).toISOString() })
        for (const code of panels) {
          const reportId = uuidv7({ msecs: at + 3 * 3600_000 })
          const observed = new Date(at + 2 * 3600_000).toISOString()
          insReport.run({ id: reportId, ...stamp(at + 3 * 3600_000), inbound_id: inboundId, integration_id: o.integrationId, order_number: orderNumber, filler_number: `SIM-${orderNumber}`, status: 'F', identifiers: JSON.stringify({ patientId: p.id, petName: p.name, ownerLastName: p.last_name }), observed_at: observed, title: PANELS[code].title })
          // A cat's results against a cat's reference ranges.
          for (const a of panelFor(code, p.species)!.analytes) {
            let { value, flag } = simulateValue(a, r)
            if (kidneys && (a.code === 'CREA' || a.code === 'BUN')) {
              const n = a.low + (a.high - a.low) * (0.5 + v * 0.35)
              value = n.toFixed(a.decimals)
              flag = n > a.high ? 'H' : 'N'
            }
            insObs.run({ id: uuidv7({ msecs: at + 3 * 3600_000 }), ...stamp(at + 3 * 3600_000), report_id: reportId, code: a.code, name: a.name, sub_id: null, value_type: 'NM', value_num: Number(value), value_text: null, units: a.units, ref_range: rangeText(a), ref_low: a.low, ref_high: a.high, flag, status: 'F', observed_at: observed, instrument: null, supersedes_id: null, document_id: null })
          }
          insLink.run({ id: uuidv7({ msecs: at + 3 * 3600_000 }), ...stamp(at + 3 * 3600_000), report_id: reportId, action: 'attach', patient_id: p.id, order_id: orderId, automatic: 1, reason: 'Order number and every patient identifier agree', actor_id: null, actor_name: null })
        }
      }
    })
  })()
  return orders
}

/**
 * The demo clinic's imaging: a DR room on the worklist, studies already filed (two thoracic
 * radiographs a year apart to compare, an ultrasound loop, a dental image), and requests waiting
 * on the worklist for today's patients. Written through the same store and index as the node's.
 */
export function seedImaging(s: Services, store: Core['store'], actor: { id: string; name: string; role: 'admin' | 'veterinarian' | 'technician' | 'front_desk' }, vet: { id: string; name: string; role: 'veterinarian' }): void {
  const room = s.integrations.create(actor, { kind: 'imaging', name: 'Digital X-ray room (DR)', enabled: true, config: { aeTitle: 'DRROOM1', host: '127.0.0.1' } })
  s.integrations.approve(actor, room.id, ['patient_identity', 'imaging'])
  const { storage, studies, requests } = s.imaging
  const file = (bytes: Buffer) => {
    const header = readHeader(bytes)
    const incoming = storage.incomingPath()
    writeFileSync(incoming, bytes)
    const relative = storage.relativePathFor(header.sopInstanceUid)
    storage.commit(incoming, relative)
    studies.index({ header, file: relative, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, sourceAet: 'DRROOM1', integrationId: room.id, associationId: null })
  }
  // The README's patients by name, as the front desk finds them (the first one search shows).
  const patientOf = (name: string) => {
    const hit = s.search.search(name, 'name', 1, false)[0]
    if (!hit) return null
    const { patient, owner } = s.patients.get(hit.id)
    const synthetic = { ownerLastName: owner.lastName, ownerFirstName: owner.firstName, petName: patient.name, patientId: patient.id, species: patient.species.charAt(0).toUpperCase() + patient.species.slice(1), sex: patient.sex === 'male' ? ('M' as const) : patient.sex === 'female' ? ('F' as const) : ('O' as const), neutered: patient.neuterStatus === 'unknown' ? null : patient.neuterStatus === 'neutered', birthDate: patient.dateOfBirth }
    return { id: patient.id, species: patient.species, synthetic }
  }
  const device = clockTag(store.deviceId)
  let counter = 0
  /** The visit the images were taken at: a past one, recorded as the history import records visits. */
  const pastVisit = (patientId: string, reason: string, at: Date): string => {
    const id = uuidv7({ msecs: at.getTime() })
    store.sqlite
      .prepare("INSERT INTO visits (id, clinic_id, created_at, updated_at, deleted_at, server_version, patient_id, veterinarian_id, reason, status, scheduled_at, started_at, ended_at) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, 'completed', NULL, ?, ?)")
      .run(id, store.clinicId, at.toISOString(), formatHlc({ ms: at.getTime(), counter: counter++ & 0xffff }, device), patientId, vet.id, reason, at.toISOString(), new Date(at.getTime() + 50 * 60_000).toISOString())
    return id
  }
  /** Today's open visit of the patient (the waiting room's), if any. */
  const openVisit = (patientId: string): string | null =>
    (store.sqlite.prepare("SELECT id FROM visits WHERE patient_id = ? AND status IN ('booked', 'checked_in', 'in_progress') AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1").pluck().get(patientId) as string | undefined) ?? null
  const done = (name: string, modality: 'DX' | 'US' | 'IO', description: string, reason: string, daysAgo: number, make: (o: SyntheticStudy) => Buffer, seed: number) => {
    const p = patientOf(name)
    // A study that does not fit the animal (a dental image of a gecko) is not made up.
    if (!p || studyMisfit(p.species, modality, description)) return
    const at = new Date(Date.now() - daysAgo * 86_400_000)
    const visitId = pastVisit(p.id, reason, at)
    const r = requests.create(vet, { patientId: p.id, visitId, modality, description, scheduledAt: at.toISOString() })
    file(make({ patient: p.synthetic, accessionNumber: r.accessionNumber, studyInstanceUid: r.studyInstanceUid, description, studyDate: at, seed }))
  }
  // Bella the Boxer coughed a year ago and again this week; Max the Ragdoll vomits, and had his teeth seen to.
  done('Bella', 'DX', 'Thorax, lateral', 'Coughing', 380, (o) => syntheticRadiograph({ ...o, rows: 768, columns: 768 }), 3)
  done('Bella', 'DX', 'Thorax, lateral', 'Coughing again, recheck', 2, (o) => syntheticRadiograph({ ...o, rows: 768, columns: 768 }), 4)
  done('Max', 'US', 'Abdomen, ultrasound', 'Vomiting and weight loss', 30, (o) => syntheticUltrasound(o), 5)
  done('Max', 'IO', 'Dental, right mandible', 'Dental cleaning', 90, (o) => syntheticDental(o), 6)
  // Waiting on the worklist for today's patients, on their visits: Milo the cat coughs, Luna the gecko limps.
  for (const [name, modality, description] of [['Milo', 'DX', 'Thorax, 2 views'], ['Luna', 'DX', 'Whole body, 2 views']] as const) {
    const p = patientOf(name)
    if (p && !studyMisfit(p.species, modality, description)) requests.create(vet, { patientId: p.id, visitId: openVisit(p.id), modality, description })
  }
}
