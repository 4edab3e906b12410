/**
 * The demo clinic's PROVENIQ network: the PetMayday / PetLifeLog service (src-proveniq) run in
 * this process on embedded PGlite (its folder `proveniq/` in the demo's data folder, so a second
 * start resumes), with simulated members (this clinic, Lakewood Animal Hospital, County Animal
 * Shelter), a dozen active missing-pet reports around the clinic's town (some with photos drawn
 * here), a few found and closed ones, and a few PetLifeLog registrations.
 *
 * One active report, filed by Lakewood Animal Hospital on its owner's behalf, carries the
 * microchip of a demo patient that has a visit booked today and not yet checked in; one more is a
 * "possible match" (the same name and species, last seen in the town where a demo client lives).
 * The demo workstation's PetMayday and PetLifeLog integrations point at the service with this
 * clinic's member key, approved by the demo administrator, so its missing-pet list follows the
 * service as any clinic's does. Everything is made once: a second start finds it and adds nothing.
 */
import { dirname, join } from 'node:path'
import { createServer } from 'node:net'
import { deflateSync, crc32 } from 'node:zlib'
import type { App } from '../app'
import type { DataCategory, IntegrationKind } from '../../src-preload/contract'
import type { Actor } from '../domain/actor'
import { findMigrationsDir } from '../db/open'
import { listen } from '../core/net'
import { normalizeName } from '../core/normalize'
import { dayRange, localDay } from '../core/clinic-day'
import { openPglite, type Db } from '../../src-server/db'
import { startProveniqServer } from '../../src-proveniq/http'
import { authenticate, issueKey, type Member, type MemberKind } from '../../src-proveniq/members'
import { fileReport, updateReport } from '../../src-proveniq/reports'
import { registerChip } from '../../src-proveniq/registry'

/** The service's port when it is free (npm run proveniq's default); any free port otherwise. */
export const DEMO_PROVENIQ_PORT = 8790
export const DEMO_OTHER_CLINIC = 'Lakewood Animal Hospital'
export const DEMO_SHELTER = 'County Animal Shelter'

export interface DemoProveniq {
  url: string
  stop(): Promise<void>
}

/** Starts the service on the demo's folder, fills it once, and connects the demo workstation to it. */
export async function startDemoProveniq(app: App, log: (line: string) => void): Promise<DemoProveniq> {
  const dir = join(dirname(app.core.store.sqlite.name), 'proveniq')
  const db = await openPglite(dir, join(findMigrationsDir(), 'proveniq'))
  try {
    // The port it had (the integrations' address stays, and their approval with it), else 8790, else any.
    const had = app.services.integrations.list().find((i) => i.kind === 'petmayday' && /^http:\/\/127\.0\.0\.1:\d+$/.test(i.config.baseUrl ?? ''))
    const ports = [...new Set([...(had ? [Number(new URL(had.config.baseUrl!).port)] : []), DEMO_PROVENIQ_PORT])]
    let port = 0
    for (const p of ports) if (!port && (await isFree(p))) port = p
    const server = await startProveniqServer({ db, host: '127.0.0.1', port })
    try {
      const seeded = await seedNetwork(db, app)
      await connectWorkstation(db, app, server.url)
      bookTodaysVisit(app, seeded.missingChips)
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM missing_reports WHERE status = 'active'")
      log(`[proveniq] PROVENIQ service (PetMayday, PetLifeLog) on ${server.url}: ${seeded.members} members, ${n} active missing-pet reports; data in ${dir}`)
      return {
        url: server.url,
        async stop() {
          await server.close()
          await db.close()
        }
      }
    } catch (e) {
      await server.close()
      throw e
    }
  } catch (e) {
    await db.close()
    throw e
  }
}

function isFree(port: number): Promise<boolean> {
  const probe = createServer()
  return listen(probe, port, '127.0.0.1').then(
    () => new Promise<boolean>((resolve) => probe.close(() => resolve(true))),
    () => false
  )
}

// ------------------------------------------------------------------ the network's members and reports

const HOUR = 3_600_000
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString()

export interface DemoReport {
  chip: string | null
  species: string
  breed: string | null
  colour: string
  sex: string
  name: string
  /** where, with the town appended */
  place: string
  town: string
  hoursAgo: number
  owner: string
  contact: string
  share: boolean
  photo: boolean
  by: 'other' | 'shelter'
  /** found or closed since: not on the active list */
  status?: 'found' | 'closed'
}

// Names no demo patient has (people.ts PET_NAMES), so these reports match no one by name.
export const DEMO_REPORTS: DemoReport[] = [
  { chip: '985141002468135', species: 'canine', breed: 'Border Collie', colour: 'black and white', sex: 'male', name: 'Scout', place: 'Mill Pond Park', town: 'Riverton', hoursAgo: 20, owner: 'Dana Whitfield', contact: '(555) 013-2207, dana.whitfield@example.com', share: true, photo: true, by: 'other' },
  { chip: '981098100775312', species: 'feline', breed: 'Domestic Shorthair', colour: 'tabby', sex: 'female', name: 'Juniper', place: 'Elm St and 3rd Ave', town: 'Riverton', hoursAgo: 30, owner: 'Marcus Bell', contact: '(555) 014-8890', share: false, photo: true, by: 'shelter' },
  { chip: '982000411235870', species: 'canine', breed: 'Beagle', colour: 'tan', sex: 'male', name: 'Waffles', place: 'Hillside Rd trailhead', town: 'Fairview', hoursAgo: 52, owner: 'Erin Castillo', contact: 'erin.castillo@example.com', share: false, photo: true, by: 'other' },
  { chip: '956000013579246', species: 'feline', breed: 'Siamese', colour: 'cream', sex: 'female', name: 'Pixel', place: 'Lakeview Ct', town: 'Lakewood', hoursAgo: 75, owner: 'Hannah Osei', contact: '(555) 017-4412', share: false, photo: false, by: 'other' },
  { chip: '985141003692581', species: 'canine', breed: 'Labrador Retriever', colour: 'cream', sex: 'male', name: 'Marley', place: 'River Rd boat ramp', town: 'Riverton', hoursAgo: 8, owner: 'Tom Reyes', contact: '(555) 019-3321', share: true, photo: true, by: 'shelter' },
  { chip: '900164000246813', species: 'canine', breed: 'Australian Shepherd', colour: 'merle', sex: 'female', name: 'Nova', place: 'Main St farmers market', town: 'Milton', hoursAgo: 100, owner: 'Priscilla Ng', contact: '(555) 012-7765', share: false, photo: true, by: 'other' },
  { chip: '981098100113355', species: 'feline', breed: 'Domestic Longhair', colour: 'black and white', sex: 'male', name: 'Boots', place: 'Birch Way', town: 'Springfield', hoursAgo: 140, owner: 'Walter Finch', contact: '(555) 016-0098', share: false, photo: false, by: 'shelter' },
  { chip: null, species: 'rabbit', breed: 'Holland Lop', colour: 'brown', sex: 'female', name: 'Thumper', place: 'Willow Dr', town: 'Riverton', hoursAgo: 44, owner: 'Lily Moreno', contact: '(555) 018-5530', share: false, photo: true, by: 'other' },
  { chip: null, species: 'avian', breed: 'Cockatiel', colour: 'grey', sex: 'unknown', name: 'Sunny', place: 'Greenville Library', town: 'Greenville', hoursAgo: 26, owner: 'Ravi Menon', contact: 'ravi.menon@example.com', share: true, photo: false, by: 'shelter' },
  { chip: '977200008642097', species: 'canine', breed: 'Dalmatian', colour: 'white', sex: 'male', name: 'Domino', place: 'Oak St', town: 'Fairview', hoursAgo: 12, owner: 'Gina Lowe', contact: '(555) 011-2468', share: false, photo: true, by: 'other' },
  { chip: '982000422113579', species: 'feline', breed: 'Ragdoll', colour: 'cream', sex: 'female', name: 'Olive', place: 'Cedar Ln', town: 'Riverton', hoursAgo: 60, owner: 'Beatrice Hale', contact: '(555) 015-1357', share: false, photo: true, by: 'shelter' },
  { chip: null, species: 'canine', breed: 'Mixed breed', colour: 'ginger', sex: 'male', name: 'Rusty', place: 'Lakewood Marina', town: 'Lakewood', hoursAgo: 200, owner: 'Owen Clarke', contact: '(555) 010-9911', share: false, photo: false, by: 'other' },
  { chip: '985141004826051', species: 'canine', breed: 'Shiba Inu', colour: 'red', sex: 'female', name: 'Yuki', place: 'Pine Rd', town: 'Riverton', hoursAgo: 400, owner: 'Kenji Sato', contact: '(555) 013-8080', share: false, photo: true, by: 'other', status: 'found' },
  { chip: '981098100998877', species: 'feline', breed: 'Maine Coon', colour: 'brown', sex: 'male', name: 'Bandit', place: 'Main St', town: 'Milton', hoursAgo: 600, owner: 'Alma Ruiz', contact: '(555) 012-1200', share: false, photo: false, by: 'shelter', status: 'found' },
  { chip: null, species: 'canine', breed: 'Pug', colour: 'fawn', sex: 'female', name: 'Mochi', place: 'Maple Ave', town: 'Greenville', hoursAgo: 900, owner: 'Jon Fairley', contact: '(555) 019-0001', share: false, photo: false, by: 'other', status: 'closed' }
]

/** PetLifeLog registrations by the other members (chips of reports above), with and without sharing. */
const REGISTRATIONS: { chip: string; by: 'other' | 'shelter'; species: string; petName: string; ownerName: string; ownerPhone: string | null; ownerEmail: string | null; share: boolean }[] = [
  { chip: '985141002468135', by: 'other', species: 'canine', petName: 'Scout', ownerName: 'Dana Whitfield', ownerPhone: '(555) 013-2207', ownerEmail: 'dana.whitfield@example.com', share: true },
  { chip: '981098100775312', by: 'shelter', species: 'feline', petName: 'Juniper', ownerName: 'Marcus Bell', ownerPhone: '(555) 014-8890', ownerEmail: null, share: false },
  { chip: '956000013579246', by: 'other', species: 'feline', petName: 'Pixel', ownerName: 'Hannah Osei', ownerPhone: '(555) 017-4412', ownerEmail: null, share: false }
]

interface Seeded {
  members: number
  /** the chips on active reports (the demo patient's among them) */
  missingChips: string[]
}

async function member(db: Db, name: string, kind: MemberKind): Promise<Member> {
  const [m] = await db.query<Member>('SELECT id, name, kind FROM members WHERE lower(name) = lower($1) AND revoked_at IS NULL', [name])
  // A simulated member needs no key: the demo files its reports through the service's own functions.
  return m ?? (await issueKey(db, name, kind)).member
}

interface ChosenPatient {
  id: string
  name: string
  species: string
  breed: string | null
  color: string | null
  sex: string
  microchip: string
  first_name: string
  last_name: string
  address: string | null
  phone: string | null
}

/** Fills the service once (it has reports: already done). */
async function seedNetwork(db: Db, app: App): Promise<Seeded> {
  const other = await member(db, DEMO_OTHER_CLINIC, 'clinic')
  const shelter = await member(db, DEMO_SHELTER, 'shelter')
  const by = { other, shelter }
  const chips = async () => (await db.query<{ microchip: string }>("SELECT microchip FROM missing_reports WHERE status = 'active' AND microchip IS NOT NULL")).map((r) => r.microchip)
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM missing_reports')
  if (n > 0) {
    const [{ members }] = await db.query<{ members: number }>('SELECT count(*)::int AS members FROM members WHERE revoked_at IS NULL')
    return { members, missingChips: await chips() }
  }
  const sqlite = app.core.store.sqlite
  const onPatient = sqlite.prepare('SELECT 1 FROM patients WHERE microchip_norm = ?').pluck()

  for (const r of DEMO_REPORTS) {
    // Only the chosen patient's chip may be a demo patient's.
    const chip = r.chip && onPatient.get(r.chip) === undefined ? r.chip : null
    const filed = await fileReport(db, by[r.by], {
      microchip: chip,
      species: r.species,
      breed: r.breed,
      colour: r.colour,
      sex: r.sex,
      name: r.name,
      photo: r.photo ? petPhoto(r.species, r.colour, r.name).toString('base64') : null,
      lastSeenArea: `${r.place}, ${r.town}`,
      lastSeenAt: ago(r.hoursAgo),
      ownerName: r.owner,
      ownerContact: r.contact,
      shareContact: r.share
    })
    if (r.status) await updateReport(db, by[r.by], filed.id, { status: r.status })
  }
  for (const g of REGISTRATIONS) {
    if (onPatient.get(g.chip) !== undefined) continue
    await registerChip(db, by[g.by], g.chip, { species: g.species, petName: g.petName, ownerName: g.ownerName, ownerPhone: g.ownerPhone, ownerEmail: g.ownerEmail, shareContact: g.share })
  }

  // The demo patient reported missing: a chipped dog of this clinic, alive, with nothing on today, the only
  // dog of its name (so no other patient shares its possible match), its owner reachable by phone.
  const chosen = sqlite
    .prepare(
      `SELECT p.id, p.name, p.species, p.breed, p.color, p.sex, p.microchip, c.first_name, c.last_name, c.address,
         (SELECT value FROM client_contacts k WHERE k.client_id = c.id AND k.kind = 'phone' AND k.deleted_at IS NULL ORDER BY k.is_primary DESC LIMIT 1) AS phone
       FROM patients p JOIN clients c ON c.id = p.client_id
       WHERE p.species = 'canine' AND p.microchip_norm IS NOT NULL AND p.microchip_type = 'iso' AND p.deceased_at IS NULL AND p.deleted_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.patient_id = p.id AND v.status <> 'completed')
         AND (SELECT count(*) FROM patients o WHERE o.name_norm = p.name_norm AND o.species = p.species) = 1
       ORDER BY p.name, c.last_name, c.first_name, p.microchip LIMIT 1`
    )
    .get() as ChosenPatient | undefined
  if (chosen) {
    const street = chosen.address?.replace(/^\d+\s+/, '') ?? 'Riverton'
    await fileReport(db, other, {
      microchip: chosen.microchip,
      species: chosen.species,
      breed: chosen.breed,
      colour: chosen.color,
      sex: chosen.sex,
      name: chosen.name,
      photo: petPhoto(chosen.species, chosen.color ?? 'brown', chosen.name).toString('base64'),
      lastSeenArea: street,
      lastSeenAt: ago(50),
      ownerName: `${chosen.first_name} ${chosen.last_name}`,
      ownerContact: chosen.phone ?? 'through Lakewood Animal Hospital, (555) 010-7700',
      shareContact: false
    })
    await registerChip(db, other, chosen.microchip, { species: chosen.species, petName: chosen.name, ownerName: `${chosen.first_name} ${chosen.last_name}`, ownerPhone: chosen.phone ?? '(555) 010-7700', shareContact: false })
  }

  // A possible match: a dog or cat without a chip, the only one of its name and species whose owner
  // lives in that town; the report (no chip either) was last seen in the town.
  const candidates = sqlite
    .prepare(
      `SELECT p.id, p.name, p.name_norm, p.species, p.breed, p.color, p.sex, c.address FROM patients p JOIN clients c ON c.id = p.client_id
       WHERE p.species IN ('canine', 'feline') AND p.microchip_norm IS NULL AND p.deceased_at IS NULL AND p.deleted_at IS NULL AND c.address LIKE '%, %'
         AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.patient_id = p.id AND v.status <> 'completed')
       ORDER BY p.name, c.last_name, c.first_name, p.id`
    )
    .all() as { id: string; name: string; name_norm: string; species: string; breed: string | null; color: string | null; sex: string; address: string }[]
  const sameName = sqlite.prepare('SELECT c.address FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.name_norm = ? AND p.species = ? AND p.deleted_at IS NULL')
  const possible = candidates.find((p) => {
    if (chosen && p.name_norm === normalizeName(chosen.name)) return false
    const town = normalizeName(p.address.split(', ').pop())
    return (sameName.all(p.name_norm, p.species) as { address: string | null }[]).filter((o) => ` ${normalizeName(o.address)} `.includes(` ${town} `)).length === 1
  })
  if (possible) {
    await fileReport(db, shelter, {
      microchip: null,
      species: possible.species,
      breed: possible.breed,
      colour: possible.color,
      sex: possible.sex,
      name: possible.name,
      photo: null,
      lastSeenArea: possible.address.split(', ').pop(),
      lastSeenAt: ago(36),
      ownerName: 'Sam Porter',
      ownerContact: '(555) 018-2020',
      shareContact: false
    })
  }
  return { members: 3, missingChips: await chips() }
}

// ------------------------------------------------------------------ the demo workstation

/**
 * This clinic's key, and its PetMayday and PetLifeLog integrations pointing at the service, approved
 * by the demo administrator (audited as any approval). A key that still works and an address that
 * has not moved are left alone; a changed address withdraws approval, which is then given again
 * for the categories it had (the same simulated service on another port).
 */
async function connectWorkstation(db: Db, app: App, url: string): Promise<void> {
  const s = app.services
  const admin = s.staff.list().find((m) => m.role === 'admin' && m.active)
  if (!admin) throw new Error('the demo clinic has no active administrator to approve the PROVENIQ integrations')
  const actor: Actor = { id: admin.id, name: admin.displayName, role: admin.role }
  const clinicName = s.clinic.get().name

  const existing = (kind: IntegrationKind) => s.integrations.list().find((i) => i.kind === kind)
  const kept = [existing('petmayday'), existing('petlifelog')].map((i) => (i ? s.integrations.config(i.id).apiKey : undefined)).find(Boolean)
  const works = kept ? await authenticate(db, `Bearer ${kept}`).then((m) => m.name.toLowerCase() === clinicName.toLowerCase(), () => false) : false
  const key = works ? kept! : (await issueKey(db, clinicName, 'clinic')).key

  const connect = (kind: IntegrationKind, name: string, categories: DataCategory[]) => {
    const i = existing(kind)
    if (!i) {
      const made = s.integrations.create(actor, { kind, name, enabled: true, config: { baseUrl: url, apiKey: key } })
      s.integrations.approve(actor, made.id, categories)
      return
    }
    const config = s.integrations.config(i.id)
    if (config.baseUrl === url && config.apiKey === key) return
    // The demo's placeholder (a PetLifeLog address on the internet) is replaced once, enabled and approved.
    const first = !/^http:\/\/127\.0\.0\.1:/.test(config.baseUrl ?? '')
    const had = i.approval?.categories ?? []
    s.integrations.update(actor, { id: i.id, ...(first ? { name, enabled: true } : {}), config: { ...config, baseUrl: url, apiKey: key } })
    const again = first ? categories : had
    if (again.length) s.integrations.approve(actor, i.id, again)
  }
  connect('petmayday', 'PetMayday (simulator)', ['lost_pet_reports'])
  connect('petlifelog', 'PetLifeLog microchip registry (simulator)', ['microchip', 'owner_contact'])
}

/**
 * The patient reported missing has a visit booked for today, not yet checked in: checking it in
 * at the front desk shows the alert. Booked again on a later day's start unless it has one today.
 */
function bookTodaysVisit(app: App, missingChips: string[]): void {
  const s = app.services
  const sqlite = app.core.store.sqlite
  const patient = missingChips.length
    ? (sqlite
        .prepare(`SELECT id FROM patients WHERE microchip_norm IN (${missingChips.map(() => '?').join(', ')}) AND deleted_at IS NULL AND deceased_at IS NULL ORDER BY name LIMIT 1`)
        .get(...missingChips) as { id: string } | undefined)
    : undefined
  if (!patient) return
  const { timezone } = s.clinic.get()
  const today = localDay(Date.now(), timezone)
  const { start, end } = dayRange(today, today, timezone)
  const hasToday = sqlite
    .prepare('SELECT 1 FROM visits WHERE patient_id = ? AND deleted_at IS NULL AND (coalesce(scheduled_at, started_at, created_at) >= ? AND coalesce(scheduled_at, started_at, created_at) < ?)')
    .get(patient.id, start, end)
  if (hasToday) return
  const admin = s.staff.list().find((m) => m.role === 'front_desk' && m.active) ?? s.staff.list().find((m) => m.role === 'admin' && m.active)
  const vet = s.staff.list().find((m) => m.role === 'veterinarian' && m.active)
  if (!admin) return
  // Within the hour, and still today in the clinic's timezone.
  const at = Math.min(Math.ceil((Date.now() + 20 * 60_000) / (15 * 60_000)) * 15 * 60_000, Date.parse(end) - 60_000)
  s.visits.create({ id: admin.id, name: admin.displayName, role: admin.role }, { patientId: patient.id, veterinarianId: vet?.id ?? null, reason: 'Found by a neighbour: check-up and microchip scan', status: 'booked', scheduledAt: new Date(at).toISOString() })
}

// ------------------------------------------------------------------ photos

const COAT: Record<string, [number, number, number]> = {
  black: [40, 38, 36],
  white: [238, 236, 230],
  brown: [120, 78, 44],
  tan: [196, 150, 98],
  grey: [140, 140, 146],
  tabby: [150, 112, 70],
  cream: [236, 218, 180],
  ginger: [214, 120, 48],
  red: [190, 92, 46],
  fawn: [214, 178, 130],
  merle: [128, 132, 150],
  brindle: [110, 80, 50],
  tortoiseshell: [96, 60, 36],
  calico: [220, 170, 120]
}

/**
 * A small portrait (128×128 PNG): the animal's head in its coat colour on a plain background,
 * so the Lost/Found screen shows real images without shipping binary files.
 */
export function petPhoto(species: string, colour: string, seedText: string): Buffer {
  const size = 128
  const coat = COAT[colour.split(' ')[0].toLowerCase()] ?? COAT.brown
  const second = colour.includes('and white') ? COAT.white : null
  let h = 0
  for (const ch of seedText) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  const bg: [number, number, number] = [150 + (h % 80), 180 + ((h >> 8) % 60), 200 + ((h >> 16) % 50)]
  const rows: Buffer[] = []
  const cat = species === 'feline'
  const bird = species === 'avian'
  const rabbit = species === 'rabbit'
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3)
    for (let x = 0; x < size; x++) {
      const dx = x - 64
      const dy = y - 70
      let c: [number, number, number] = y > 112 ? [90, 120, 70] : bg
      const head = dx * dx + dy * dy < 36 * 36
      // ears: pointed for cats, long for rabbits, floppy for dogs, a crest for birds
      const earL = cat ? inTriangle(x, y, [30, 48], [44, 14], [58, 42]) : rabbit ? ellipse(x, y, 48, 22, 8, 26) : bird ? ellipse(x, y, 64, 30, 6, 14) : ellipse(x, y, 32, 62, 10, 22)
      const earR = cat ? inTriangle(x, y, [70, 42], [84, 14], [98, 48]) : rabbit ? ellipse(x, y, 80, 22, 8, 26) : bird ? false : ellipse(x, y, 96, 62, 10, 22)
      if (head || earL || earR) c = coat
      if (second && head && dx > -8 && dx < 8) c = second
      if (ellipse(x, y, 50, 64, 5, 6) || ellipse(x, y, 78, 64, 5, 6)) c = [20, 20, 20]
      if (bird ? inTriangle(x, y, [56, 80], [72, 80], [64, 96]) : ellipse(x, y, 64, 84, 7, 5)) c = bird ? [230, 170, 40] : [30, 24, 24]
      row[1 + x * 3] = c[0]
      row[2 + x * 3] = c[1]
      row[3 + x * 3] = c[2]
    }
    rows.push(row)
  }
  return png(size, size, Buffer.concat(rows))
}

const ellipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1

function inTriangle(x: number, y: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const s = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
  const d1 = s(a, b)
  const d2 = s(b, c)
  const d3 = s(c, a)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}

/** An 8-bit RGB PNG of the filtered scanlines (filter byte 0 on each). */
function png(width: number, height: number, scanlines: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body) >>> 0)
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', Buffer.alloc(0))])
}
