import { describe, expect, it } from 'vitest'
import { answerPrompt, demoInBrowser, openPage, signIn, trySignIn } from '../helpers/browser'

/** The front desk's first morning, in a real browser against the real hub. */
describe('front desk in Chromium', () => {

  const env = demoInBrowser({ waitMs: 8000 })

  const signInAs = async (name: RegExp) => {
    await signIn(env.page, name)
    await env.page.getByTestId('today').waitFor()
    expect(await env.page.getByTestId('account-menu').textContent()).toMatch(name)
  }

  it('refuses a wrong PIN and signs in with the right one', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await env.page.getByText('Riverside Veterinary Clinic').waitFor()
    // the token leaves the address bar once read
    expect(env.page.url()).not.toContain('token=')
    await trySignIn(env.page, /Priya Nair/, '0000')
    await expect.poll(() => env.page.getByRole('alert').textContent()).toContain('Wrong PIN')
    await env.page.getByTestId('signin-pin').fill('1234')
    await env.page.getByRole('button', { name: 'Sign in' }).click()
    // the day starts on Today
    await env.page.getByTestId('today').waitFor()
    expect(await env.page.getByTestId('account-menu').textContent()).toContain('Priya Nair')
  })

  it('registers a client and a patient', async () => {
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByRole('button', { name: 'New client' }).click()
    await env.page.locator('input[name=firstName]').fill('Henrietta')
    await env.page.locator('input[name=lastName]').fill('Okonkwo-Baptiste')
    await env.page.locator('input[name=phone0]').fill('(608) 555-7319')
    await env.page.locator('input[name=email]').fill('h.okonkwo@example.com')
    await env.page.getByRole('button', { name: 'Create client' }).click()
    // straight on to the new patient form
    await env.page.locator('input[name=name]').fill('Biscotti')
    await env.page.locator('input[name=breed]').fill('Whippet')
    await env.page.locator('input[name=microchip]').fill('FDX-B 985 141 000 123 456')
    await env.page.locator('input[name=dateOfBirth]').fill('2021-06-15')
    await env.page.getByRole('button', { name: 'Create patient' }).click()
    await expect.poll(() => env.page.getByTestId('patient-name').textContent()).toBe('Biscotti')
    expect(await env.page.locator('body').textContent()).toContain('Okonkwo-Baptiste')
  })

  it('shows a field error for a bad microchip and saves nothing', async () => {
    await env.page.getByRole('button', { name: 'Edit' }).click()
    await env.page.locator('input[name=microchip]').fill('12')
    await env.page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => env.page.getByText(/not a microchip number/).count()).toBeGreaterThan(0)
    await env.page.keyboard.press('Escape')
    await env.page.reload()
    await expect.poll(() => env.page.locator('body').textContent()).toContain('Microchip FDX-B 985 141 000 123 456')
  })

  it('finds the patient by the owner’s phone and by microchip', async () => {
    await env.page.getByRole('link', { name: 'Patients' }).click()
    const search = env.page.getByTestId('patient-search')
    await search.fill('555-7319')
    await expect.poll(() => env.page.getByTestId('patient-results').textContent()).toContain('Biscotti')
    await search.fill('985141000123456')
    await expect.poll(() => env.page.getByTestId('patient-results').textContent()).toContain('Okonkwo-Baptiste')
    await search.press('Enter')
    await expect.poll(() => env.page.getByTestId('patient-name').textContent()).toBe('Biscotti')
  })

  it('shows the patient’s audit entries', async () => {
    await env.page.getByRole('tab', { name: 'History' }).click()
    const table = env.page.getByTestId('audit-table')
    await expect.poll(() => table.textContent()).toContain('Registered Biscotti (canine) for Henrietta Okonkwo-Baptiste')
    expect(await table.textContent()).toContain('Priya Nair')
  })

  it('does not offer clinical notes to the front desk', async () => {
    await env.page.getByRole('tab', { name: 'Overview' }).click()
    await env.page.getByText('Clinical notes').waitFor()
    expect(await env.page.getByRole('button', { name: 'New note' }).count()).toBe(0)
  })

  it('verifies the audit chain from the Audit Log screen', async () => {
    await env.page.getByRole('link', { name: 'Audit Log' }).click()
    await env.page.getByTestId('audit-verify').click()
    await expect.poll(() => env.page.getByText('Audit log intact').count()).toBe(1)
    expect(await env.page.getByTestId('audit-table').textContent()).toContain('client.created')
  })

  it('tells the veterinarian live when a patient is checked in for them', async () => {
    // switch user: Dr. Chen signs in on the same workstation
    await env.page.getByTestId('account-menu').click()
    await env.page.getByRole('menuitem', { name: 'Switch user' }).click()
    await signInAs(/Sarah Chen/)
    const bell = env.page.getByTestId('notifications-bell')
    // another workstation (the API, as the renderer calls it) checks Biscotti in for Dr. Chen
    const call = async (method: string, body: unknown, bearer: string) =>
      ((await (await fetch(`${env.hub.url}api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) })).json()) as { result: any }).result
    const staff = await call('auth.staffList', {}, env.hub.token)
    const desk = (await call('auth.login', { staffId: staff.find((s: { displayName: string }) => s.displayName === 'Priya Nair').id, pin: '1234' }, env.hub.token)).token
    // Dr. Chen's unread count from the API: the bell may not have loaded yet, so it cannot be the baseline.
    const chen = (await call('auth.login', { staffId: staff.find((s: { displayName: string }) => s.displayName === 'Dr. Sarah Chen').id, pin: '1234' }, env.hub.token)).token
    const before = (await call('notifications.list', { unreadOnly: true }, chen)).length
    await expect.poll(async () => bell.getAttribute('aria-label')).toBe(`Notifications (${before} unread)`)
    const patient = (await call('patients.search', { query: '985141000123456' }, desk))[0]
    await call('visits.create', { patientId: patient.id, veterinarianId: staff.find((s: { displayName: string }) => s.displayName === 'Dr. Sarah Chen').id, reason: 'Cut paw pad', status: 'checked_in' }, desk)
    await expect.poll(async () => bell.getAttribute('aria-label'), { timeout: 5000 }).toBe(`Notifications (${before + 1} unread)`)
    // and Today, open in front of her, has Biscotti waiting
    await expect.poll(() => env.page.getByTestId('today-group-checked_in').textContent()).toContain('Biscotti')
    await bell.click()
    await expect.poll(() => env.page.getByText('Biscotti is checked in').count()).toBeGreaterThan(0)
    expect(env.errors).toEqual([])
  })

  it('asks why an alert is resolved in its own modal (Electron has no window.prompt) and logs the reason', async () => {
    await env.page.keyboard.press('Escape')
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').fill('985141000123456')
    await expect.poll(() => env.page.getByTestId('patient-results').textContent()).toContain('Biscotti')
    await env.page.getByTestId('patient-search').press('Enter')
    await expect.poll(() => env.page.getByTestId('patient-name').textContent()).toBe('Biscotti')
    await env.page.getByRole('button', { name: 'Add alert' }).click()
    await env.page.getByPlaceholder('e.g. Penicillin allergy').fill('Penicillin allergy')
    await env.page.getByRole('button', { name: 'Save alert' }).click()
    const resolve = env.page.getByRole('button', { name: 'Resolve' })
    await resolve.waitFor()
    // cancelling resolves nothing
    await resolve.click()
    await env.page.getByTestId('prompt-cancel').click()
    await env.page.getByTestId('prompt-input').waitFor({ state: 'detached' })
    expect(await resolve.count()).toBe(1)
    // an empty reason is not accepted; a real one is
    await resolve.click()
    await env.page.getByTestId('prompt-ok').click()
    await expect.poll(() => env.page.getByRole('dialog').getByText('Required', { exact: true }).count()).toBe(1)
    await answerPrompt(env.page, 'Skin test negative')
    await expect.poll(() => resolve.count()).toBe(0)
    expect(await env.page.getByText('Penicillin allergy').count()).toBe(0)
    await env.page.getByRole('tab', { name: 'History' }).click()
    await expect.poll(() => env.page.getByTestId('audit-table').textContent()).toContain('Resolved alert "Penicillin allergy": Skin test negative')
    expect(env.errors).toEqual([])
  })

  it('keeps a sidebar click made the moment the patient list appears, on a slow workstation too', async () => {
    // An 8x slower CPU leaves time between the first paint and the effects that follow it.
    const slow = await openPage(env.browser, env.errors, 30_000)
    const cdp = await slow.context().newCDPSession(slow)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 })
    await slow.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(slow, /Alex Morgan/)
    await slow.getByRole('link', { name: 'Integrations' }).click()
    await slow.getByTestId('integrations-table').waitFor()
    await new Promise((r) => setTimeout(r, 1500))
    expect(slow.url()).toContain('#/integrations')
    expect(await slow.getByTestId('integrations-table').isVisible()).toBe(true)
    await slow.close()
  }, 60_000)
})
