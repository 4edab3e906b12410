import { beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator } from 'playwright-core'
import { api, apiSignIn, dicomPortOf } from '../helpers/hub'
import { demoInBrowser, greyLevels, openPage, signIn } from '../helpers/browser'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'

const SHOTS = process.env.VETOS_SCREENSHOTS ?? null

/** Whether the element is wholly inside the window as it is, the page not scrolled. */
async function inViewport(el: Locator): Promise<{ inside: boolean; box: { top: number; bottom: number; left: number; right: number }; window: { w: number; h: number; scrollY: number } }> {
  return el.evaluate((node) => {
    const win = node.ownerDocument.defaultView!
    const r = node.getBoundingClientRect()
    const w = { w: win.innerWidth, h: win.innerHeight, scrollY: win.scrollY }
    const box = { top: r.top, bottom: r.bottom, left: r.left, right: r.right }
    return { inside: win.scrollY === 0 && r.top >= 0 && r.left >= 0 && r.bottom <= w.h && r.right <= w.w && r.height > 0, box, window: w }
  })
}

/**
 * Imaging for the people who use it (issue 13, point 9): Imaging Review shows each series before
 * anyone attaches it, a study says which visit it belongs to, and the viewer fits the screen of a
 * clinic PC without scrolling. Point 11: the demo's studies fit their patients' species.
 */
describe('imaging review and viewer, as a clinic uses them', () => {
  const env = demoInBrowser({ flags: ['--dicom-port', '0'], waitMs: 20_000 })
  let files = ''
  beforeAll(() => {
    files = join(env.dir, 'send')
    mkdirSync(files, { recursive: true })
  })
  const send = (name: string, dicom: Buffer) => {
    const file = join(files, name)
    writeFileSync(file, dicom)
    execFileSync('storescu', ['-aec', 'VETOS', '-aet', 'TESTMOD', '127.0.0.1', String(dicomPortOf(env.hub)), file], { stdio: 'pipe' })
  }
  const shot = async (name: string) => {
    if (SHOTS) await env.page.screenshot({ path: join(SHOTS, `${name}.png`) })
  }
  const vet = () => apiSignIn(env.hub, (s) => /Sarah Chen/.test(s.displayName))
  /** The demo's Bella the dog: the patient the README's imaging story is about. */
  const bella = async (token: string) => {
    const hits = (await api(env.hub, 'patients.search', { query: 'bella', kind: 'name' }, token)).json.result as { id: string; species: string }[]
    const id = hits.find((h) => h.species === 'canine')!.id
    return (await api(env.hub, 'patients.get', { id }, token)).json.result as { patient: { id: string; name: string }; owner: { lastName: string }; visits: { id: string; reason: string }[] }
  }
  /** A fresh window (signed out) of the given size, on `route`, signed in as the vet. */
  const open = async (route: string, width: number, height: number) => {
    await env.page.close()
    env.page = await openPage(env.browser, env.errors, 20_000)
    await env.page.setViewportSize({ width, height })
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}#${route}`)
    await signIn(env.page, /Sarah Chen/)
  }
  const openImagingTab = async (patientId: string, width = 1440, height = 900) => {
    await open(`/patients/${patientId}`, width, height)
    await env.page.getByRole('tab', { name: 'Imaging' }).click()
  }

  it('shows a rendered thumbnail of each series of a study waiting in Imaging Review', async () => {
    const token = await vet()
    const d = await bella(token)
    const uid = `2.25.${BigInt(`0x${crypto.randomUUID().replace(/-/g, '')}`)}`
    // A walk-in's two views with the name typed wrong and no accession number: they wait for a person.
    const patient = { ownerLastName: d.owner.lastName, petName: `${d.patient.name}e`, patientId: 'WALKIN-7' }
    send('view1.dcm', syntheticRadiograph({ patient, studyInstanceUid: uid, description: 'Abdomen, 2 views', seriesNumber: 1, seed: 21, rows: 512, columns: 512 }))
    send('view2.dcm', syntheticRadiograph({ patient, studyInstanceUid: uid, description: 'Abdomen, 2 views', seriesNumber: 2, seed: 22, rows: 512, columns: 512 }))

    await open('/imaging-review', 1440, 900)
    const item = env.page.getByTestId('imaging-review-item').filter({ hasText: `${d.patient.name}e` })
    await item.waitFor()
    const thumbs = item.getByTestId('thumbnail')
    await expect.poll(() => thumbs.count(), { timeout: 20_000 }).toBe(2)
    for (const i of [0, 1]) {
      await expect.poll(() => thumbs.nth(i).getAttribute('data-state'), { timeout: 30_000 }).toBe('done')
      expect(await greyLevels(thumbs.nth(i))).toBeGreaterThan(20)
    }
    await shot('review-queue-1440')
    await env.page.setViewportSize({ width: 1366, height: 768 })
    await shot('review-queue-1366')
  }, 120_000)

  it('shows on each study card the visit it belongs to, or that it belongs to none', async () => {
    const token = await vet()
    const d = await bella(token)
    const visit = (await api(env.hub, 'visits.create', { patientId: d.patient.id, reason: 'Coughing at night for a week', status: 'checked_in' }, token)).json.result as { id: string; reason: string }
    const request = (await api(env.hub, 'imaging.requestCreate', { patientId: d.patient.id, visitId: visit.id, modality: 'DX', description: 'Thorax, 3 views' }, token)).json.result as { accessionNumber: string; studyInstanceUid: string }
    send('visit.dcm', syntheticRadiograph({ patient: { ownerLastName: d.owner.lastName, petName: d.patient.name, patientId: d.patient.id }, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 3 views', seed: 5, rows: 512, columns: 512 }))
    const unlinked = (await api(env.hub, 'imaging.requestCreate', { patientId: d.patient.id, modality: 'DX', description: 'Left stifle' }, token)).json.result as { accessionNumber: string; studyInstanceUid: string }
    send('novisit.dcm', syntheticRadiograph({ patient: { ownerLastName: d.owner.lastName, petName: d.patient.name, patientId: d.patient.id }, accessionNumber: unlinked.accessionNumber, studyInstanceUid: unlinked.studyInstanceUid, description: 'Left stifle', seed: 6, rows: 512, columns: 512 }))

    await openImagingTab(d.patient.id)
    const withVisit = env.page.locator(`[data-testid=study][data-study-uid="${request.studyInstanceUid}"]`)
    await withVisit.waitFor({ timeout: 20_000 })
    const today = new Date().toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' })
    await expect.poll(() => withVisit.getByTestId('study-visit').textContent()).toContain('Coughing at night for a week')
    expect(await withVisit.getByTestId('study-visit').textContent()).toContain(today)
    const without = env.page.locator(`[data-testid=study][data-study-uid="${unlinked.studyInstanceUid}"]`)
    await expect.poll(() => without.getByTestId('study-visit').textContent()).toMatch(/no visit/i)
    await shot('study-cards-1440')
  }, 120_000)

  for (const [width, height] of [
    [1440, 900],
    [1366, 768]
  ] as const) {
    it(`fits the image, its toolbar and the series strip in a ${width}×${height} window without scrolling`, async () => {
      const token = await vet()
      const d = await bella(token)
      await openImagingTab(d.patient.id, width, height)
      await env.page.getByTestId('series').first().click()
      await env.page.locator('[data-testid=viewer] [data-testid=viewport][data-rendered=true]').waitFor({ timeout: 30_000 })
      const parts = {
        image: env.page.getByTestId('viewer').getByTestId('viewport'),
        toolbar: env.page.getByTestId('viewer-toolbar'),
        // the open study's series, the strip the vet picks the next view from
        series: env.page.getByTestId('series').first()
      }
      for (const [name, el] of Object.entries(parts)) {
        const where = await inViewport(el)
        expect(where.inside, `${name} is not wholly on screen: ${JSON.stringify(where)}`).toBe(true)
      }
      // Not a postage stamp: below the patient's header and the tabs, the image takes what is left (about 300 px at 768).
      const box = (await parts.image.boundingBox())!
      expect(box.height).toBeGreaterThan(height * 0.4)
      await shot(`viewer-${width}x${height}`)

      // To read the radiograph, the image fills the window; Esc brings the patient back.
      await env.page.getByTestId('viewer-expand').click()
      await expect.poll(async () => (await parts.image.boundingBox())!.height, { timeout: 10_000 }).toBeGreaterThan(height * 0.7)
      for (const name of ['image', 'toolbar'] as const) expect((await inViewport(parts[name])).inside, `${name} in full window`).toBe(true)
      // the patient's header is covered: whose image it is stays said above it
      expect(await env.page.getByTestId('viewer-full-title').innerText()).toMatch(new RegExp(`^${d.patient.name} \\(${d.owner.lastName}\\) · Dog · `))
      // the image is drawn at its new size, not stretched from the old one
      await expect.poll(() => parts.image.locator('canvas').first().evaluate((c) => c.getBoundingClientRect().height), { timeout: 10_000 }).toBeGreaterThan(height * 0.7)
      await shot(`viewer-full-${width}x${height}`)
      await env.page.keyboard.press('Escape')
      await expect.poll(async () => (await parts.image.boundingBox())!.height, { timeout: 10_000 }).toBeLessThan(height * 0.7)
      expect((await inViewport(parts.series)).inside).toBe(true)
    }, 90_000)
  }

  it('files every demo study on a species it fits: no dental image on a reptile or a bird', async () => {
    const token = await vet()
    // Every patient of the demo's imaging story, whatever their species.
    const patients = new Map<string, { id: string; name: string; species: string }>()
    for (const name of ['bella', 'max', 'luna', 'milo']) {
      for (const p of (await api(env.hub, 'patients.search', { query: name, kind: 'name', limit: 50 }, token)).json.result as { id: string; name: string; species: string }[]) patients.set(p.id, p)
    }
    const filed: string[] = []
    for (const p of patients.values()) {
      const studies = (await api(env.hub, 'imaging.studies', { patientId: p.id }, token)).json.result as { description: string | null; modalities: string[] }[]
      const requests = (await api(env.hub, 'imaging.requests', { patientId: p.id }, token)).json.result as { description: string; modality: string }[]
      for (const s of [...studies.map((x) => ({ description: x.description ?? '', modality: x.modalities[0] ?? '' })), ...requests]) filed.push(`${p.species}: ${s.modality} ${s.description}`)
    }
    expect(filed.length).toBeGreaterThanOrEqual(5)
    // Dental radiographs (intra-oral sensor) are for dogs and cats (and rabbits' and ferrets' teeth); never a gecko, a snake or a bird.
    expect(filed.filter((f) => /^(reptile|avian):/.test(f) && /\bIO\b|dental/i.test(f))).toEqual([])
    // An abdomen is a mammal's; reptiles and birds have a coelom.
    expect(filed.filter((f) => /^(reptile|avian):/.test(f) && /abdomen/i.test(f))).toEqual([])
  }, 60_000)
})
