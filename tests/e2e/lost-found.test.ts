/**
 * Lost/Found in Chromium, as a receptionist uses it, against the demo clinic's hub process and the
 * PROVENIQ service on a fresh PostgreSQL database (a shelter files reports there): the missing pets
 * near the clinic with a photo and a species filter; a client's pet reported missing and seen
 * under Our open reports; a found animal looked up by its chip (as a scan that matched no patient
 * opens it) and answered "found here"; a found-animal notice for a chip nobody reported, listed
 * under Found animals; the red banner on a matching patient with "Seen here".
 */
import { deflateSync, crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerPrompt, demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn } from '../helpers/hub'
import { call, hoursAgo, newChip, newMember, report, startService, type TestMember, type TestService } from '../proveniq/fixture'

const SHOTS = process.env.VETOS_SHOTS_DIR ?? null

/** A real 96×96 PNG (a teal disc on sand) that a browser draws: the fixture's magic-bytes PNG is not one. */
function photoPng(): Buffer {
  const size = 96
  const rows: Buffer[] = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3)
    for (let x = 0; x < size; x++) {
      const inside = (x - 48) ** 2 + (y - 52) ** 2 < 30 ** 2
      row.set(inside ? [30, 140, 130] : [230, 215, 180], 1 + x * 3)
    }
    rows.push(row)
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

describe('Lost/Found and the missing banner in Chromium', () => {
  const env = demoInBrowser()
  let svc: TestService & { close(): Promise<void> }
  let shelter: TestMember
  let admin: string
  const adminCall = async (method: string, body: unknown) => {
    const r = await api(env.hub, method, body, admin)
    if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
    return r.json.result
  }
  const file = async (fields: Record<string, unknown>) => {
    const r = await call(svc.url, shelter.key, 'POST', '/v1/reports', report(fields))
    if (r.status !== 201) throw new Error(r.text)
    return r.body.id as string
  }
  /** Waits until the hub's kept list has the report (it follows PetMayday's shape). */
  const kept = async (chip: string, id: string) => {
    for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      if (((await adminCall('petmayday.findByChip', { chip })) as { reports: { id: string }[] }).reports.some((r) => r.id === id)) return
    }
    throw new Error(`report ${id} never reached the hub's kept list`)
  }
  /** Opens an address of the app, signing in as the receptionist when the page asks. */
  const open = async (hash: string, ready: string) => {
    const page = env.page
    await page.goto(`${env.hub.url}?token=${env.hub.token}${hash}`)
    await page.getByTestId('signin-staff').or(page.getByTestId(ready)).first().waitFor()
    if (await page.getByTestId('signin-staff').isVisible()) await signIn(page, /Priya Nair/)
    await page.getByTestId(ready).waitFor()
  }
  const shot = async (name: string) => {
    if (SHOTS) await env.page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false })
  }

  beforeAll(async () => {
    svc = await startService(1000)
    shelter = await newMember(svc.db, 'Hillside Shelter', 'shelter')
    const clinic = await newMember(svc.db, 'Riverside Veterinary Clinic', 'clinic')
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    for (const i of (await adminCall('integrations.list', {})) as { id: string; kind: string }[]) if (i.kind === 'petmayday') await adminCall('integrations.update', { id: i.id, enabled: false })
    const i = await adminCall('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc.url, apiKey: clinic.key } })
    await adminCall('integrations.approve', { id: i.id, categories: ['lost_pet_reports', 'owner_contact', 'microchip'] })
    // The demo clinic is in Riverton; Rocket was lost elsewhere.
    await file({ name: 'Biscuit', species: 'canine', breed: 'Beagle', colour: 'tricolour', lastSeenArea: 'Mill Street, Riverton', photo: photoPng().toString('base64') })
    await file({ name: 'Pepper', species: 'feline', breed: 'Domestic shorthair', colour: 'grey tabby', lastSeenArea: 'Riverton Park', lastSeenAt: hoursAgo(30) })
    await file({ name: 'Rocket', species: 'canine', colour: 'brown', lastSeenArea: 'Lakeside' })
    await env.page.setViewportSize({ width: 1440, height: 900 })
  }, 60_000)
  afterAll(async () => {
    await svc?.close()
  })

  it('lists the missing pets near the clinic with their photos, and filters by species', async () => {
    const page = env.page
    await page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(page, /Priya Nair/)
    await page.getByRole('link', { name: 'Lost/Found' }).click()
    const list = page.getByTestId('lf-reports')
    await expect.poll(() => list.getByTestId('report-name').allTextContents()).toEqual(expect.arrayContaining(['Biscuit', 'Pepper']))
    expect(await list.getByTestId('report-name').allTextContents()).not.toContain('Rocket')
    const photo = list.locator('[data-testid="report-photo"]')
    await photo.first().waitFor()
    expect(await photo.first().getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    // The image really drew (a broken image has no natural width).
    expect(await photo.first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(96)
    expect(await page.getByTestId('lf-count').textContent()).toContain('Riverton')
    await shot('lost-found-near')

    await page.getByTestId('lf-filter-species').click()
    await page.getByRole('option', { name: 'Cat', exact: true }).click()
    await expect.poll(() => list.getByTestId('report-name').allTextContents()).toEqual(['Pepper'])
  })

  it('reports a client’s pet missing and shows it under Our open reports', async () => {
    const page = env.page
    const client = await adminCall('clients.create', { firstName: 'Harriet', lastName: 'Quill', phones: [{ label: 'mobile', number: '+1 555 0177' }] })
    const chip = newChip()
    await adminCall('patients.create', { clientId: client.id, name: 'Marlowe', species: 'canine', breed: 'Whippet', color: 'fawn', sex: 'male', microchip: chip })
    await page.getByTestId('lf-tab-missing').click()
    await page.getByTestId('lf-patient-query').fill('Marlowe')
    await page.getByTestId('lf-patient-search').click()
    await page.getByRole('button', { name: /Marlowe · Dog · Whippet · Harriet Quill/ }).click()
    await page.getByTestId('lf-missing-area').fill('Riverton, Elm Park')
    await page.getByTestId('lf-missing-share').check()
    await shot('lost-found-report-missing')
    await page.getByTestId('lf-missing-submit').click()
    const ours = page.getByTestId('lf-ours')
    await expect.poll(() => ours.getByTestId('report-name').allTextContents()).toEqual(['Marlowe'])
    const text = await ours.innerText()
    expect(text).toContain('Harriet Quill')
    expect(text).toContain('0177')
    expect(text).toContain('contact shared with finders')
    expect(text).toContain('Elm Park')
    expect(text).toContain('No sightings yet')
  })

  it('looks a found animal up by its chip, as a scan that matched no patient opens it, and answers "found here"', async () => {
    const page = env.page
    const chip = newChip()
    const id = await file({ microchip: chip, name: 'Ziggy', species: 'feline', colour: 'black', lastSeenArea: 'Riverton' })
    await kept(chip, id)
    await open(`#/lost-found?chip=${chip}`, 'lf-chip-result')
    const result = page.getByTestId('lf-chip-result')
    expect(await page.getByTestId('lf-chip').inputValue()).toBe(chip)
    await page.getByTestId('lf-chip-missing').waitFor()
    const card = result.getByTestId(`report-${id}`)
    expect(await card.getByTestId('report-name').textContent()).toBe('Ziggy')
    // PetLifeLog is not set up in this clinic: said in plain words, with who can set it up.
    await expect.poll(() => page.getByTestId('lf-registry-error').or(page.getByTestId('lf-registry')).first().textContent()).toMatch(/PetLifeLog|registered/)
    await card.getByTestId('seen-here').click()
    await answerPrompt(page, 'Brought in by a neighbour, safe and well')
    await expect.poll(() => card.getByTestId('seen-here-sent').textContent()).toContain('relays the clinic’s contact')
    await shot('lost-found-found-chip')
    const own = await call(svc.url, shelter.key, 'GET', '/v1/reports/own')
    const ziggy = own.body.reports.find((r: { id: string }) => r.id === id)
    expect(ziggy.relays).toEqual([expect.objectContaining({ kind: 'found', from: { name: 'Riverside Veterinary Clinic', kind: 'clinic' } })])
    expect(ziggy.relays[0].text).toContain('Brought in by a neighbour')
  })

  it('posts a found-animal notice for a chip nobody reported, and lists it under Found animals', async () => {
    const page = env.page
    const chip = newChip()
    await open(`#/lost-found?chip=${chip}`, 'lf-chip-no-report')
    const form = page.getByTestId('found-form')
    await form.waitFor()
    await page.getByTestId('found-species').click()
    await page.getByRole('option', { name: 'Dog', exact: true }).click()
    await page.getByTestId('found-colour').fill('brindle')
    await page.getByTestId('found-area').fill('Riverton, Station Road')
    await page.getByTestId('found-post').click()
    await expect.poll(() => page.getByTestId('found-posted').textContent()).toContain('(555) 010-4400')
    await page.getByTestId('lf-tab-animals').click()
    const list = page.getByTestId('found-list')
    await expect.poll(() => list.innerText()).toContain(`Microchip ${chip}`)
    expect((await list.innerText()).toLowerCase()).toContain('posted by us')
    await shot('lost-found-found-animals')
  })

  it('shows the red banner on a matching patient, with the report and its photo, and sends "Seen here"', async () => {
    const page = env.page
    const client = await adminCall('clients.create', { firstName: 'Noel', lastName: 'Vance', phones: [{ label: 'mobile', number: '+1 555 0188' }] })
    const chip = newChip()
    const patient = await adminCall('patients.create', { clientId: client.id, name: 'Tango', species: 'canine', breed: 'Collie', color: 'black and white', sex: 'female', microchip: chip })
    const id = await file({ microchip: chip, name: 'Tango', species: 'canine', breed: 'Collie', colour: 'black and white', lastSeenArea: 'Riverton, Station Road', photo: photoPng().toString('base64') })
    await kept(chip, id)
    await open(`#/patients/${patient.id}`, 'missing-banner')
    const banner = page.getByTestId('missing-banner')
    expect(await banner.getAttribute('data-kind')).toBe('exact')
    expect(await banner.innerText()).toContain('Reported missing on PetMayday')
    expect(await page.getByTestId('missing-banner-text').textContent()).toContain('Station Road')
    expect(await page.getByTestId('missing-banner-text').textContent()).toContain('Hillside Shelter')
    await page.getByTestId('missing-banner-photo').waitFor()
    await shot('patient-missing-banner-before')
    await banner.getByTestId('seen-here').click()
    await answerPrompt(page, 'Here for a check-up with a new family')
    await expect.poll(() => banner.getByTestId('seen-here-sent').textContent()).toContain('relays the clinic’s contact')
    await shot('patient-missing-banner')
    const own = await call(svc.url, shelter.key, 'GET', '/v1/reports/own')
    expect(own.body.reports.find((r: { id: string }) => r.id === id).relays).toHaveLength(1)
  })
})
