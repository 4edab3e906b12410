import { beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { api, apiSignIn, dicomPortOf, startHubProcess } from '../helpers/hub'
import { answerPrompt, demoInBrowser, greyLevels, signIn } from '../helpers/browser'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'

const SHOTS = process.env.VETOS_SCREENSHOTS ?? null

/**
 * A vet's imaging round trip in Chromium: request a radiograph, the modality sends it (DCMTK
 * storescu), it files itself to the patient and renders; a measurement is saved, survives a hub
 * restart, and the study is compared with an earlier one.
 */
describe('imaging in Chromium', () => {
  let files: string
  let patientId = ''
  let currentUid = ''
  let priorUid = ''
  const flags = ['--dicom-port', '0']
  const env = demoInBrowser({ flags, waitMs: 20_000 })
  beforeAll(() => {
    files = join(env.dir, 'send')
    mkdirSync(files, { recursive: true })
  })

  // Screenshots for a person to look at (VETOS_SCREENSHOTS=<folder>); the viewer scrolled into view.
  const shot = async (name: string) => {
    if (!SHOTS) return
    await env.page.getByTestId('viewer-toolbar').first().scrollIntoViewIfNeeded().catch(() => undefined)
    await env.page.screenshot({ path: join(SHOTS, `${name}.png`) })
  }
  const vetToken = () => apiSignIn(env.hub, (s) => /Sarah Chen/.test(s.displayName))
  const send = (name: string, dicom: Buffer) => {
    const file = join(files, name)
    writeFileSync(file, dicom)
    execFileSync('storescu', ['-aec', 'VETOS', '-aet', 'TESTMOD', '127.0.0.1', String(dicomPortOf(env.hub)), file], { stdio: 'pipe' })
  }
  const openImagingTab = async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Sarah Chen/)
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').fill('bella')
    await env.page.getByTestId('patient-results').locator('tbody tr', { hasText: 'Dog' }).first().click()
    await env.page.getByRole('tab', { name: 'Imaging' }).click()
  }
  /** Opens a study's first series in the viewer, and waits for its first image. */
  const openStudy = async (uid: string) => {
    const study = env.page.locator(`[data-testid=study][data-study-uid="${uid}"]`)
    await study.waitFor({ timeout: 15_000 })
    await study.getByTestId('series').first().click()
    await env.page.locator('[data-testid=viewer] [data-testid=viewport][data-rendered=true]').waitFor()
  }
  const mainViewport = () => env.page.getByTestId('viewer').getByTestId('viewport')
  const drag = async (from: [number, number], to: [number, number]) => {
    const box = (await mainViewport().boundingBox())!
    await env.page.mouse.move(box.x + from[0], box.y + from[1])
    await env.page.mouse.down()
    await env.page.mouse.move(box.x + (from[0] + to[0]) / 2, box.y + (from[1] + to[1]) / 2, { steps: 5 })
    await env.page.mouse.move(box.x + to[0], box.y + to[1], { steps: 5 })
    await env.page.mouse.up()
  }

  it('requests a radiograph; the study sent with storescu files itself to the right patient and renders', async () => {
    await openImagingTab()
    patientId = /\/patients\/([0-9a-f-]+)/.exec(env.page.url())![1]
    await env.page.getByTestId('request-imaging').click()
    await env.page.getByTestId('request-description').fill('Thorax, 2 views')
    await env.page.getByTestId('request-submit').click()
    const row = env.page.getByTestId('imaging-request').first()
    await expect.poll(() => row.getByTestId('request-status').textContent()).toBe('Scheduled')
    const accession = (await row.getAttribute('data-accession'))!

    // What the modality got from the worklist: the request's identifiers, and the owner-first name.
    const token = await vetToken()
    const detail = (await api(env.hub, 'patients.get', { id: patientId }, token)).json.result
    const request = ((await api(env.hub, 'imaging.requests', { patientId }, token)).json.result as { accessionNumber: string; studyInstanceUid: string }[]).find((r) => r.accessionNumber === accession)!
    const patient = { ownerLastName: detail.owner.lastName, petName: detail.patient.name, patientId }
    // An earlier study of the same patient, answering an earlier request, for the comparison.
    const prior = (await api(env.hub, 'imaging.requestCreate', { patientId, modality: 'DX', description: 'Thorax, recheck' }, token)).json.result
    send('prior.dcm', syntheticRadiograph({ patient, accessionNumber: prior.accessionNumber, studyInstanceUid: prior.studyInstanceUid, studyDate: new Date(Date.now() - 180 * 86_400_000), description: 'Thorax, recheck', seed: 7 }))
    send('current.dcm', syntheticRadiograph({ patient, accessionNumber: accession, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 2 views', seed: 3 }))

    // Both arrive on this patient by themselves (live, no reload); the demo clinic may have put others there before.
    currentUid = request.studyInstanceUid
    priorUid = prior.studyInstanceUid
    await env.page.locator(`[data-testid=study][data-study-uid="${priorUid}"]`).waitFor({ timeout: 15_000 })
    await expect.poll(() => row.getByTestId('request-status').textContent()).toBe('Completed')
    await openStudy(currentUid)
    await expect.poll(() => env.page.locator(`[data-testid=study][data-study-uid="${currentUid}"] [data-testid=thumbnail]`).getAttribute('data-state')).toBe('done')
    // Not blank: the rendered canvas holds many grey levels.
    const levels = await greyLevels(mainViewport(), 7)
    expect(levels).toBeGreaterThan(20)
    expect(Number(await mainViewport().getAttribute('data-first-render-ms'))).toBeGreaterThan(0)
    await shot('imaging-tab')
  }, 90_000)

  it('measures a length, labels an arrow, and saves them as version 1 of the annotations', async () => {
    await env.page.getByTestId('tool-Length').click()
    await drag([250, 250], [500, 380])
    await expect.poll(() => mainViewport().locator('svg text').allTextContents()).toEqual([expect.stringMatching(/^\d+(\.\d)? (mm|px)/)])
    // The arrow's text is asked in the app's own modal: cornerstone's default, window.prompt, does not exist in Electron.
    await env.page.getByTestId('tool-ArrowAnnotate').click()
    await drag([600, 200], [520, 300])
    await answerPrompt(env.page, 'Cardiac silhouette')
    await expect.poll(() => mainViewport().locator('svg text').allTextContents()).toContain('Cardiac silhouette')
    await env.page.getByTestId('save-annotations').click()
    await expect.poll(() => env.page.getByTestId('save-message').textContent()).toBe('Saved, version 1')
    await shot('viewer-length')
  }, 60_000)

  it('scores the heart in vertebrae from the long axis, the short axis and the spine from T4', async () => {
    const pick = async (step: string) => {
      await env.page.getByTestId('tool-vhs').click()
      await env.page.getByTestId(`tool-${step}`).click()
    }
    await pick('VhsLongAxis')
    await drag([380, 200], [520, 430])
    await pick('VhsShortAxis')
    await drag([370, 360], [560, 300])
    await pick('VhsSpine')
    await drag([150, 120], [450, 120])
    const score = await env.page.getByTestId('vhs-score').textContent()
    expect(score).toMatch(/^VHS \d+\.\d v$/)
    await env.page.getByTestId('vhs-vertebrae').fill('5')
    await expect.poll(() => env.page.getByTestId('vhs-score').textContent()).not.toBe(score)
    await env.page.getByTestId('save-annotations').click()
    await expect.poll(() => env.page.getByTestId('save-message').textContent()).toBe('Saved, version 2')
    await shot('viewer-vhs')
  }, 60_000)

  it('has the annotations back after the hub restarts', async () => {
    await env.hub.stop()
    env.hub = await startHubProcess(['--data-dir', env.dir, '--demo', ...flags])
    await openImagingTab()
    await openStudy(currentUid)
    await expect.poll(() => env.page.getByTestId('annotation-version').textContent()).toContain('version 2')
    // cornerstone draws the saved annotations a frame or two after the version shows
    await expect.poll(() => mainViewport().locator('svg text').allTextContents()).toEqual(expect.arrayContaining(['Cardiac silhouette', 'Spine from T4, 5 vertebrae']))
    const texts = await mainViewport().locator('svg text').allTextContents()
    expect(texts.some((t) => /^\d+(\.\d)? (mm|px)/.test(t))).toBe(true)
    expect(texts.filter((t) => t.startsWith('VHS ')).length).toBe(2)
    expect(texts).toContain('Spine from T4, 5 vertebrae')
    expect(texts).toContain('Cardiac silhouette')
    await expect.poll(() => env.page.getByTestId('vhs-score').textContent()).toMatch(/^VHS \d+\.\d v$/)
  }, 90_000)

  it('compares the study side by side with the earlier one', async () => {
    await env.page.getByTestId('compare-toggle').click()
    await env.page.getByTestId('compare-pick').click()
    await env.page.getByRole('option', { name: /Thorax, recheck/ }).click()
    const compare = env.page.getByTestId('compare-view')
    await expect.poll(() => compare.getByTestId('compare-viewer').nth(1).textContent()).toContain('Thorax, recheck')
    expect(await compare.getByTestId('compare-viewer').nth(0).textContent()).toContain('Thorax, 2 views')
    expect(await compare.getByTestId('compare-viewer').count()).toBe(2)
    await expect.poll(() => compare.locator('[data-testid=viewport][data-rendered=true]').count()).toBe(2)
    await shot('compare')
    await env.page.getByTestId('compare-toggle').click()
  }, 60_000)

  it('sends a study that names no request to Imaging Review, where a person attaches it; Detach undoes it', async () => {
    const token = await vetToken()
    const detail = (await api(env.hub, 'patients.get', { id: patientId }, token)).json.result
    const uid = `2.25.${BigInt(`0x${crypto.randomUUID().replace(/-/g, '')}`)}`
    // The pet's name misspelled by the technician, and no accession number: never filed by itself.
    send('unmatched.dcm', syntheticRadiograph({ patient: { ownerLastName: detail.owner.lastName, petName: `${detail.patient.name}a`, patientId: 'WALKIN-1' }, studyInstanceUid: uid, description: 'Left forelimb', seed: 11 }))
    await expect.poll(() => env.page.getByTestId('imaging-review-count').textContent(), { timeout: 15_000 }).toBe('1')
    await env.page.getByRole('link', { name: /Imaging Review/ }).click()
    const item = env.page.getByTestId('imaging-review-item')
    await expect.poll(() => item.getByTestId('imaging-review-identifiers').textContent()).toContain(`${detail.patient.name}a`)
    const first = item.getByTestId('imaging-review-candidates').locator('tr').first()
    expect(await first.textContent()).toContain(detail.patient.name)
    await shot('imaging-review')
    await first.getByRole('button', { name: /Attach/ }).click()
    expect(await answerPrompt(env.page)).toBe('Identity confirmed')
    await expect.poll(() => item.count()).toBe(0)

    await env.page.goBack()
    await env.page.getByRole('tab', { name: 'Imaging' }).click()
    const study = env.page.locator(`[data-testid=study][data-study-uid="${uid}"]`)
    await study.waitFor()
    await study.getByTestId('study-detach').click()
    await answerPrompt(env.page, 'Filed to the wrong patient')
    await expect.poll(() => study.count()).toBe(0)
    await expect.poll(() => env.page.getByTestId('imaging-review-count').textContent()).toBe('1')
  }, 60_000)

  it('imports a photo into the record from the Imaging tab', async () => {
    // A 1×1 PNG, as a dental camera would hand over a (much larger) one.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    await env.page.getByTestId('import-document').click()
    await env.page.locator('input[type=file]').setInputFiles({ name: 'upper-incisors.png', mimeType: 'image/png', buffer: png })
    await env.page.getByTestId('import-title').fill('Dental photo, upper incisors')
    await env.page.getByTestId('import-submit').click()
    await expect.poll(() => env.page.getByTestId('import-done').textContent()).toContain('Dental photo, upper incisors')
    await env.page.getByRole('tab', { name: 'Documents' }).click()
    await expect.poll(() => env.page.getByTestId('documents').textContent()).toContain('Dental photo, upper incisors')
    expect(env.errors).toEqual([])
  }, 60_000)
})
