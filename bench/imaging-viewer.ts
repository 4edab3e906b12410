/**
 * The viewer's click-to-first-image, in headless Chromium against a real hub process. Figures,
 * never assertions. Goal: a cold click on a 10 MB radiograph shows it in under 1 s.
 *
 * What "cold" means here. Each run is a fresh page load (the hub answers media with no-store, and
 * cornerstone's caches live in the page), so nothing of the image is in the browser. But the study
 * list's thumbnail loads the same file as the viewer, through the same cornerstone cache entry:
 * left alone, it would have fetched and decoded the image before anyone could click, and the click
 * would only measure a render from the cache. So the harness holds the file's request at the
 * browser (Playwright route) until the click, and releases it right after: the figure covers the
 * whole first load of the full image (request, 10 MB transfer, parse, decode, CPU render), and the
 * thumbnail, still waiting, shares that one load exactly as it would when a vet clicks before the
 * thumbnails are done. Everything else on the page (the newest study, opened by default, and the
 * other thumbnails) has finished before the click.
 *
 * The figure is the viewer's own (imaging/firstRender.ts): the click marks the time, the new
 * viewport's first IMAGE_RENDERED measures to it. Next to it, in the same runs: the same page
 * fetching the same /media/dicom/<id> URL through the same route (the transfer floor), and a warm
 * click on the same image once it is in cornerstone's cache (the render alone).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Route } from 'playwright-core'
import { api, apiSignIn, dicomPortOf, startHubProcess, type RunningHub } from '../tests/helpers/hub'
import { tempDir } from '../tests/helpers/app'
import { launchBrowser, signIn } from '../tests/helpers/browser'
import { syntheticRadiograph } from '../src-main/imaging/synthetic'
import { ms, summarize, table } from './stats'

const RUNS = 10
const ROWS = 2560
const COLUMNS = 2048 // 16 bits a pixel: 10.5 MB
const GOAL_MS = 1000
const DESCRIPTION = 'Bench thorax 10 MB'
/** the self-check: the file held this long after the click must show up in the figure */
const HOLD_CHECK_MS = 1500

interface Study {
  id: string
  studyInstanceUid: string
  description: string | null
  instances: { id: string; path: string; bytes: number }[]
}

/** What the page callbacks use (this project's node tsconfig has no DOM types; the casts vanish when Playwright sends the code). */
interface PageElement {
  dataset: Record<string, string | undefined>
  querySelectorAll(selector: string): ArrayLike<PageElement>
}
interface PageGlobals {
  __vetosImaging?: { firstRenderMs: number | null; renders: number; cpu: boolean }
  document: { querySelectorAll(selector: string): ArrayLike<PageElement> }
  sessionStorage: { getItem(key: string): string | null }
  fetch(url: string, init: { cache: 'no-store' }): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>
}

export async function benchViewer(): Promise<void> {
  const dir = tempDir('vetos-bench-viewer-')
  let hub: RunningHub | null = null
  const browser = await launchBrowser()
  try {
    hub = await startHubProcess(['--data-dir', dir, '--demo', '--dicom-host', '127.0.0.1', '--dicom-port', '0'])
    const { patientId, study } = await fileStudy(hub, dir)
    const instance = study.instances[0]
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.setDefaultTimeout(30_000)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))

    // The one file's requests: held while `hold` is set, released when it resolves.
    let hold: Promise<void> | null = null
    let requested: () => void = () => {}
    await page.route(
      (url) => url.pathname === instance.path,
      async (route: Route) => {
        requested()
        if (hold) await hold
        await route.continue()
      }
    )

    await page.goto(`${hub.url}?token=${hub.token}`)
    await signIn(page, /Sarah Chen/)
    await page.getByTestId('patient-search').waitFor()
    const patientUrl = `${hub.url}#/patients/${patientId}`
    const ours = page.locator(`[data-testid=study][data-study-uid="${study.studyInstanceUid}"]`)
    const renders = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__vetosImaging?.renders ?? 0)
    const figure = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__vetosImaging!.firstRenderMs!)
    const nextRender = (before: number) => page.waitForFunction((n) => ((globalThis as unknown as PageGlobals).__vetosImaging?.renders ?? 0) > n, before, { polling: 'raf' })

    /** A fresh page on the patient's Imaging tab, settled, with our file's request held. */
    const openCold = async () => {
      let release!: () => void
      hold = new Promise<void>((r) => (release = r))
      const seen = new Promise<void>((r) => (requested = r))
      // A new document: cornerstone and its caches start empty (the session stays in sessionStorage).
      await page.goto('about:blank')
      await page.goto(patientUrl)
      await page.getByRole('tab', { name: 'Imaging' }).click()
      // The newest study opens by itself; wait for it and for every other thumbnail.
      await page.locator('[data-testid=viewer] [data-testid=viewport][data-rendered=true]').waitFor()
      await seen
      await page.waitForFunction(
        (uid) =>
          Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid=study]'))
            .filter((s) => s.dataset.studyUid !== uid)
            .every((s) => Array.from(s.querySelectorAll('[data-testid=thumbnail]')).every((t) => t.dataset.state !== 'loading')),
        study.studyInstanceUid
      )
      if ((await ours.getByTestId('thumbnail').getAttribute('data-state')) !== 'loading') throw new Error('the thumbnail loaded the file before the click: the figure would not be cold')
      return release
    }

    /** Click → first image of our study, cold; `lateMs` delays the file after the click (self-check). */
    const coldClick = async (lateMs = 0) => {
      const release = await openCold()
      const before = await renders()
      await ours.getByTestId('series').first().click()
      if (lateMs) await new Promise((r) => setTimeout(r, lateMs))
      hold = null
      release()
      await nextRender(before)
      const t = await figure()
      if (!(await page.getByRole('heading', { level: 5, name: DESCRIPTION }).count())) throw new Error('the viewer did not open the benchmark study')
      return t
    }

    /** The same click once the image is in cornerstone's cache: away to another study and back. */
    const warmClick = async () => {
      await ours.getByTestId('thumbnail').and(page.locator('[data-state=done]')).waitFor()
      const other = page.locator(`[data-testid=study]:not([data-study-uid="${study.studyInstanceUid}"])`).first().getByTestId('series').first()
      let before = await renders()
      await other.click()
      await nextRender(before)
      before = await renders()
      await ours.getByTestId('series').first().click()
      await nextRender(before)
      return figure()
    }

    /** The transfer floor: the same page fetches the same URL (through the same route), nothing else. */
    const fetchFloor = () =>
      page.evaluate(async (path) => {
        const page = globalThis as unknown as PageGlobals
        const url = `${path}?token=${encodeURIComponent(page.sessionStorage.getItem('vetos.session') ?? '')}`
        const t = performance.now()
        const res = await page.fetch(url, { cache: 'no-store' })
        const bytes = (await res.arrayBuffer()).byteLength
        if (!res.ok || bytes < 1e6) throw new Error(`fetch answered ${res.status} with ${bytes} bytes`)
        return performance.now() - t
      }, instance.path)

    const cold: number[] = []
    const warm: number[] = []
    const floor: number[] = []
    await coldClick() // a first round for the hub's and the OS's caches, not counted
    for (let i = 0; i < RUNS; i++) {
      cold.push(await coldClick())
      warm.push(await warmClick())
      floor.push(await fetchFloor())
    }
    const check = await coldClick(HOLD_CHECK_MS)
    const cpu = await page.evaluate(() => (globalThis as unknown as PageGlobals).__vetosImaging?.cpu ?? null)

    const row = (name: string, xs: number[]) => {
      const s = summarize(xs)
      return [name, ms(s.p50), ms(s.p95), ms(s.max)]
    }
    const mb = (instance.bytes / 1e6).toFixed(1)
    console.log(`\nViewer: click → first rendered image, a ${mb} MB DX (${ROWS}×${COLUMNS}, 16-bit, uncompressed), headless Chromium, ${cpu ? 'CPU rendering (as under automation; a clinic PC with a GPU uses WebGL)' : 'WebGL rendering'}, ${RUNS} runs`)
    console.log(
      table(
        ['', 'p50 ms', 'p95 ms', 'max ms'],
        [
          row('cold: fresh page, first load of the full image', cold),
          row('warm: same image again, from cornerstone’s cache', warm),
          row(`floor: the page fetches /media/dicom/<id> (${mb} MB)`, floor)
        ]
      )
    )
    const p95 = summarize(cold).p95
    console.log(`Goal: cold under ${GOAL_MS} ms. p95 ${ms(p95)} ms: ${p95 < GOAL_MS ? 'met' : 'not met'}; cold minus floor (p50): ${ms(summarize(cold).p50 - summarize(floor).p50)} ms for everything but the transfer (viewer start, parse, decode, render). With 10 runs p95 is the slowest run.`)
    console.log(`Check: with the file held ${HOLD_CHECK_MS} ms after the click, the viewer reported ${ms(check)} ms (≥ ${HOLD_CHECK_MS} shows the figure waits for the file).`)
    if (errors.length) console.log(`Page errors: ${errors.join('; ')}`)
  } finally {
    await browser.close()
    await hub?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A radiograph requested for a demo dog and sent by storescu; it files itself to her. Dated years back so it is not the study the tab opens by itself. */
async function fileStudy(hub: RunningHub, dir: string): Promise<{ patientId: string; study: Study }> {
  const token = await apiSignIn(hub, (s) => /Sarah Chen/.test(s.displayName))
  const call = async <T>(method: string, body: unknown): Promise<T> => {
    const r = await api(hub, method, body, token)
    if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
    return r.json.result as T
  }
  const bella = (await call<{ id: string; species: string }[]>('patients.search', { query: 'Bella', kind: 'name' })).find((p) => p.species === 'canine')!
  const detail = await call<{ patient: { name: string }; owner: { lastName: string } }>('patients.get', { id: bella.id })
  const request = await call<{ accessionNumber: string; studyInstanceUid: string }>('imaging.requestCreate', { patientId: bella.id, modality: 'DX', description: DESCRIPTION })
  const file = join(dir, 'send', 'bench-dx.dcm')
  mkdirSync(join(dir, 'send'), { recursive: true })
  writeFileSync(
    file,
    syntheticRadiograph({
      patient: { ownerLastName: detail.owner.lastName, petName: detail.patient.name, patientId: bella.id },
      accessionNumber: request.accessionNumber,
      studyInstanceUid: request.studyInstanceUid,
      studyDate: new Date(Date.now() - 3 * 365 * 86_400_000),
      description: DESCRIPTION,
      rows: ROWS,
      columns: COLUMNS,
      seed: 5
    })
  )
  execFileSync('storescu', ['-aec', 'VETOS', '-aet', 'BENCHMOD', '127.0.0.1', String(dicomPortOf(hub)), file], { stdio: 'pipe' })
  for (let i = 0; i < 100; i++) {
    const study = (await call<Study[]>('imaging.studies', { patientId: bella.id })).find((s) => s.studyInstanceUid === request.studyInstanceUid)
    if (study) return { patientId: bella.id, study }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the benchmark study did not file itself to the patient')
}
