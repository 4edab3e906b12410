import { existsSync, rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { startHubProcess, type RunningHub } from './hub'
import { tempDir } from './app'

/** Debian's chromium; npm test installs it when missing (scripts/system-deps.mjs). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run the tests with "npm test", which installs it, or set CHROMIUM_PATH`)
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps dialing out on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

/** A page as the tests use it: a desktop-sized window, short waits, page errors collected. */
export async function openPage(browser: Browser, errors: string[], waitMs = 10_000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  page.setDefaultTimeout(waitMs)
  page.on('pageerror', (e) => errors.push(e.message))
  return page
}

/** Picks a staff member on the sign-in screen, types the PIN and presses Sign in; it may be refused. */
export async function trySignIn(page: Page, name: RegExp, pin: string): Promise<void> {
  await page.getByTestId('signin-staff').click()
  await page.getByRole('option', { name }).click()
  await page.getByTestId('signin-pin').fill(pin)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Signs a staff member in (the demo's PIN is 1234) and returns once the app is theirs. */
export async function signIn(page: Page, name: RegExp, pin = '1234'): Promise<void> {
  await trySignIn(page, name, pin)
  // Signed in only when the form is gone: navigating before then aborts the sign-in request.
  await page.getByTestId('signin-pin').waitFor({ state: 'detached', timeout: 30_000 })
}

/**
 * Answers the app's own text prompt (components/PromptHost; Electron has no window.prompt):
 * types `text`, or keeps what the prompt offers, and confirms. Returns the answer given.
 */
export async function answerPrompt(page: Page, text?: string): Promise<string> {
  const input = page.getByTestId('prompt-input')
  await input.waitFor()
  if (text !== undefined) await input.fill(text)
  const answer = await input.inputValue()
  if (!answer.trim()) throw new Error('answerPrompt: the prompt offers no text; pass one')
  await page.getByTestId('prompt-ok').click()
  await input.waitFor({ state: 'detached' })
  return answer
}

/**
 * When a test in this describe block fails, prints what the page showed, the page's errors and
 * the end of the hub's output: a failure on a CI machine then explains itself.
 */
function explainFailures(get: () => { page?: Page; errors: string[]; hub?: { output(): string } }): void {
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return
    const { page, errors, hub } = get()
    const text = page ? await page.locator('body').innerText().catch((e: Error) => `(page unreadable: ${e.message})`) : '(no page)'
    console.error(
      [`--- ${ctx.task.name}: what the page showed (${page?.url() ?? 'no page'})`, text.slice(0, 2000), '--- page errors', errors.join('\n') || '(none)', '--- hub output (end)', hub?.output().slice(-3000) ?? '(no hub)'].join('\n')
    )
  })
}

/** What demoInBrowser starts: set once its beforeAll has run. */
export interface DemoInBrowser {
  dir: string
  hub: RunningHub
  browser: Browser
  page: Page
  errors: string[]
}

/**
 * For a describe block: the demo clinic in a hub process (with extra `flags`) and one Chromium
 * page, started before the first test and stopped after the last; a failing test prints what the
 * page showed. A test may replace `hub` (a restart); that one is stopped.
 */
export function demoInBrowser(opts: { flags?: string[]; waitMs?: number } = {}): DemoInBrowser {
  const env = { errors: [] as string[] } as DemoInBrowser
  beforeAll(async () => {
    env.dir = tempDir()
    env.hub = await startHubProcess(['--data-dir', env.dir, '--demo', ...(opts.flags ?? [])])
    env.browser = await launchBrowser()
    env.page = await openPage(env.browser, env.errors, opts.waitMs)
  })
  afterAll(async () => {
    await env.browser?.close()
    await env.hub?.stop()
    if (env.dir) rmSync(env.dir, { recursive: true, force: true })
  })
  explainFailures(() => env)
  return env
}

/** How many grey levels the canvas inside `el` holds, sampling every `step`th pixel (a blank or failed render has one or two). */
export async function greyLevels(el: Locator, step = 3): Promise<number> {
  return el.evaluate((node, step) => {
    const canvas = node.querySelector('canvas')!
    const copy = node.ownerDocument.createElement('canvas')
    copy.width = canvas.width
    copy.height = canvas.height
    const ctx = copy.getContext('2d')!
    ctx.drawImage(canvas, 0, 0)
    const px = ctx.getImageData(0, 0, copy.width, copy.height).data
    const seen = new Set<number>()
    for (let i = 0; i < px.length; i += 4 * step) seen.add(px[i])
    return seen.size
  }, step)
}
