/**
 * Microchip scans in a real browser against the real hub: a keyboard-wedge scanner (keys at
 * scanner speed ending in Enter, as Chromium receives them from a USB scanner) and a serial
 * scanner (a socat serial pair: the hub process opens one end with serialport, the test writes
 * the scanner's output into the other).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SerialPort } from 'serialport'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn } from '../helpers/hub'
import { tempDir } from '../helpers/app'
import { SerialPair } from '../helpers/socat'

const CHIP = '985141000424242'
const NEW_CHIP = '985141000535353'
const UNKNOWN = '985141000999111'

describe('microchip scans in Chromium', () => {
  const env = demoInBrowser({ waitMs: 10_000 })
  let cable: SerialPair
  let admin: string
  let pet: { id: string; name: string }

  /**
   * What a USB keyboard-wedge scanner does: the chip as keystrokes 8 ms apart, then Enter. The keys
   * carry their device time, as a real keyboard's do: the page may take longer to handle each one
   * (a form re-rendering) without the scan looking slower than it was typed.
   */
  const wedge = async (text: string) => {
    const cdp = await env.page.context().newCDPSession(env.page)
    const t0 = Date.now() / 1000
    const keys = [...text].map((ch) => ({ key: ch, text: ch, unmodifiedText: ch }))
    for (const [i, k] of [...keys, { key: 'Enter', code: 'Enter', text: '\r', unmodifiedText: '\r', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 }].entries()) {
      const timestamp = t0 + i * 0.008
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, timestamp })
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, timestamp: timestamp + 0.002 })
    }
    await cdp.detach()
  }
  // Nothing focused, as after clicking on the page's background (the page's own code, as a string: tests have no DOM types).
  const blur = () => env.page.evaluate('document.activeElement && document.activeElement.blur()')
  const patientName = () => env.page.getByTestId('patient-name').textContent()

  beforeAll(async () => {
    cable = new SerialPair(tempDir('vetos-e2e-scan-'))
    await cable.start()
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const client = await api(env.hub, 'clients.create', { firstName: 'Tomasz', lastName: 'Wierzbicki', phones: [] }, admin)
    const created = await api(env.hub, 'patients.create', { clientId: client.json.result.id, name: 'Kluska', species: 'canine', sex: 'female', neuterStatus: 'neutered', microchip: CHIP }, admin)
    expect(created.json.ok, JSON.stringify(created.json)).toBe(true)
    pet = created.json.result
    const configured = await api(env.hub, 'scanners.configure', { serial: { path: cable.a, baudRate: 9600 } }, admin)
    expect(configured.json.ok, JSON.stringify(configured.json)).toBe(true)
  }, 30_000)

  afterAll(async () => {
    await cable?.stop()
  })

  it('opens the patient from a wedge burst on the Patients screen, in the search box or on the page', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Priya Nair/)
    await env.page.getByTestId('today').waitFor()
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').waitFor()
    // The search box has the focus: the scanner types into it, and its Enter opens the chip's patient.
    await wedge(`FDX-B 985 ${CHIP.slice(3)}`)
    await expect.poll(patientName).toBe('Kluska')
    expect(env.page.url()).toContain(`#/patients/${pet.id}`)
    await expect.poll(() => env.page.locator('body').textContent()).toContain(`microchip ${CHIP}`)
    // Nothing focused: the same.
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').waitFor()
    await blur()
    await wedge(CHIP)
    await expect.poll(patientName).toBe('Kluska')
  })

  it('leaves a chip typed by hand alone (only scanner speed is a scan)', async () => {
    await env.page.getByRole('link', { name: 'Settings' }).click()
    await env.page.getByTestId('scanner-panel').waitFor()
    await blur()
    await env.page.keyboard.type(CHIP, { delay: 120 })
    await env.page.keyboard.press('Enter')
    // a scan would have opened Kluska; give it the time a scan takes to do so, then check it did not
    await env.page.getByRole('heading', { name: 'Settings' }).waitFor()
    await new Promise((r) => setTimeout(r, 500))
    expect(env.page.url()).toContain('#/settings')
  })

  it('fills the patient form’s Microchip field from a wedge scan without submitting the form', async () => {
    await env.page.goto(`${env.hub.url}#/patients/${pet.id}`)
    await expect.poll(patientName).toBe('Kluska')
    await env.page.getByRole('button', { name: 'Edit' }).click()
    const field = env.page.locator('input[name=microchip]')
    await field.fill('')
    await field.focus()
    await wedge(`FDX-B ${NEW_CHIP}`)
    // the form is still open with the scan in it: the scanner's Enter did not save it
    await env.page.getByText('Microchip scanned into the field').first().waitFor()
    expect(await field.isVisible()).toBe(true)
    expect(await field.inputValue()).toBe(`FDX-B ${NEW_CHIP}`)
    expect(env.page.url()).toContain(`#/patients/${pet.id}`)
    await env.page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => env.page.locator('body').textContent()).toContain(`Microchip FDX-B ${NEW_CHIP}`)
  })

  it('opens the patient in the browser from a serial scan over socat, and shows the scanner connected in Settings', async () => {
    await env.page.getByRole('link', { name: 'Settings' }).click()
    await expect.poll(() => env.page.getByTestId('scanner-state').textContent()).toBe('connected')
    expect(await env.page.getByTestId('scanner-panel').textContent()).toContain(cable.a)
    const scanner = new SerialPort({ path: cable.b, baudRate: 9600, autoOpen: false })
    await new Promise<void>((res, rej) => scanner.open((e) => (e ? rej(e) : res())))
    try {
      const send = (s: string) => new Promise<void>((r) => scanner.write(s, () => scanner.drain(() => r())))
      // garbage first: the browser says it read no chip, and the next read still works
      await send('NO TAG FOUND\r\n')
      await env.page.getByText('The scanner read no microchip number').first().waitFor()
      await send(`\x02${NEW_CHIP.slice(0, 3)}.`)
      await send(`${NEW_CHIP.slice(3)}\x03`)
      await expect.poll(patientName).toBe('Kluska')
      expect(env.page.url()).toContain(`#/patients/${pet.id}`)
      // a chip no patient has goes to Lost/Found with the chip, for the found-animal lookup
      await send(`LA ${UNKNOWN.slice(0, 3)} ${UNKNOWN.slice(3)}\r\n`)
      await expect.poll(() => env.page.url()).toContain(`#/lost-found?chip=${UNKNOWN}`)
    } finally {
      await new Promise<void>((r) => (scanner.isOpen ? scanner.close(() => r()) : r()))
    }
  })

  it('sends a wedge scan of an unknown chip to Lost/Found with the chip', async () => {
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').waitFor()
    await blur()
    await wedge('AVID*012*345*678')
    await expect.poll(() => env.page.url()).toContain('#/lost-found?chip=012345678')
    expect(env.errors).toEqual([])
  })
})
