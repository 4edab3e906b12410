/**
 * The keyboard alone, in Chromium: the sidebar's Alt+digit shortcuts work from inside a text box,
 * "/" finds a patient from any screen, "?" lists every shortcut, and in a form field "/" and "?"
 * are just characters.
 */
import { describe, expect, it } from 'vitest'
import { demoInBrowser, signIn } from '../helpers/browser'

describe('keyboard shortcuts in Chromium', () => {
  const env = demoInBrowser({ waitMs: 20_000 })
  const focused = () => env.page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")')
  const blur = () => env.page.evaluate('document.activeElement && document.activeElement.blur()')
  const path = () => new URL(env.page.url()).hash.replace(/\?.*$/, '')

  it('goes to Lab Review with Alt+2 while the cursor is in the patient search box', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Alex Morgan/)
    await env.page.getByTestId('account-menu').waitFor()
    await env.page.getByRole('link', { name: /^Patients/ }).click()
    const search = env.page.getByTestId('patient-search')
    await search.click()
    await search.pressSequentially('bel')
    expect(await focused()).toBe('patient-search')
    await env.page.keyboard.press('Alt+2')
    await expect.poll(path).toBe('#/lab-review')
    // and back to Today with its own key, from anywhere
    await env.page.keyboard.press('Alt+0')
    await expect.poll(path).toBe('#/today')
  }, 60_000)

  it('puts the cursor in the patient search with "/" from Settings', async () => {
    await env.page.getByRole('link', { name: /^Settings/ }).click()
    await env.page.getByRole('heading', { name: 'Settings' }).waitFor()
    await blur()
    await env.page.keyboard.press('/')
    await expect.poll(path).toBe('#/patients')
    await expect.poll(focused).toBe('patient-search')
    // the "/" went to the shortcut, not into the box
    expect(await env.page.getByTestId('patient-search').inputValue()).toBe('')
  }, 60_000)

  it('lists every shortcut with "?" and closes the list with Esc', async () => {
    await blur()
    await env.page.keyboard.press('?')
    const overlay = env.page.getByTestId('shortcuts-overlay')
    await overlay.waitFor()
    const text = (await overlay.textContent()) ?? ''
    for (const s of ['Today', 'Alt+0', 'Patients', 'Alt+1', 'Lab Review', 'Alt+2', 'Lost/Found', 'Alt+9', 'Find a patient', 'Esc']) expect(text).toContain(s)
    await env.page.keyboard.press('Escape')
    await overlay.waitFor({ state: 'detached' })
  }, 60_000)

  it('types "/" and "?" into a form field instead of jumping away', async () => {
    await env.page.getByRole('button', { name: 'New client' }).click()
    const address = env.page.getByRole('dialog').getByLabel('Address')
    await address.click()
    await address.pressSequentially('Unit 4/12 Main St?')
    expect(await address.inputValue()).toBe('Unit 4/12 Main St?')
    // still on the form: neither the patient search nor the list of shortcuts took the keys
    expect(path()).toBe('#/patients')
    expect(await env.page.getByRole('dialog').getByLabel('Address').isVisible()).toBe(true)
    expect(await env.page.getByTestId('shortcuts-overlay').count()).toBe(0)
    expect(await env.page.getByTestId('patient-search').inputValue()).toBe('')
    expect(env.errors).toEqual([])
  }, 60_000)
})
