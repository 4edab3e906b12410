import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn } from '../helpers/hub'

/** RFC 4180 as a spreadsheet reads it: quoted fields, doubled quotes, CRLF rows, a leading BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const s = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') (row.push(field), (field = ''))
    else if (c === '\r' && s[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++)
    else field += c
  }
  if (field || row.length) (row.push(field), rows.push(row))
  return rows
}

/**
 * Issue 13, points 8 and 12, as the front desk meets them: a misspelt name or a piece of a
 * microchip still finds the patient (and the owner in the client picker), and the Audit Log can be
 * searched, filtered by action and exported, the export itself being audited.
 */
describe('search forgives, and the Audit Log searches, filters and exports (Chromium)', () => {
  const env = demoInBrowser({ waitMs: 15_000 })
  const EXTRA_PEBBLES = 104 // with the first, more than one page (100) of the Audit Log

  beforeAll(async () => {
    const desk = await apiSignIn(env.hub, (s) => s.displayName === 'Priya Nair')
    const call = async (method: string, body: unknown) => {
      const res = await api(env.hub, method, body, desk)
      if (!res.json.ok) throw new Error(`${method}: ${res.json.error.message}`)
      return res.json.result
    }
    const henrietta = await call('clients.create', { firstName: 'Henrietta', lastName: 'Quillfeather', phones: [{ label: 'mobile', number: '(608) 555-2741' }] })
    await call('patients.create', { clientId: henrietta.id, name: 'Persephone', species: 'feline', microchip: '985 141 000 987 654' })
    // A family with many pets registered: their audit entries fill more than one page.
    const ophelia = await call('clients.create', { firstName: 'Ophelia', lastName: 'Thistlewood', phones: [{ label: 'mobile', number: '(608) 555-9922' }] })
    for (let i = 0; i <= EXTRA_PEBBLES; i++) await call('patients.create', { clientId: ophelia.id, name: 'Pebble', species: 'rodent', confirm: true })
  }, 120_000)

  it('finds a patient by a misspelt name, a misspelt owner and a piece of the microchip', { timeout: 120_000 }, async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Priya Nair/)
    await env.page.getByRole('link', { name: 'Patients' }).click()
    const search = env.page.getByTestId('patient-search')
    const results = () => env.page.getByTestId('patient-results').textContent({ timeout: 2000 }).catch(() => '')

    await search.fill('persphone') // one letter left out
    await expect.poll(results, { timeout: 15_000 }).toContain('Persephone')
    await search.fill('Quilfeather') // the owner, one letter short
    await expect.poll(results, { timeout: 15_000 }).toContain('Persephone')
    await search.fill('000 987 65') // eight digits from the middle of the chip, spaced as read out
    await expect.poll(results, { timeout: 15_000 }).toContain('Persephone')
    // the demo's Bellas come first for "bela": the nearest spelling is what was meant
    await search.fill('bela')
    await expect.poll(async () => (await env.page.getByTestId('patient-results').locator('tbody tr').first().textContent({ timeout: 2000 }).catch(() => '')) ?? '', { timeout: 15_000 }).toContain('Bella')
  })

  it('finds the owner by a misspelt name in the client picker', { timeout: 60_000 }, async () => {
    await env.page.getByRole('link', { name: 'Checkout' }).click()
    await env.page.getByTestId('checkout-client-search').fill('Quilfeather')
    await expect.poll(() => env.page.getByText('Henrietta Quillfeather').count(), { timeout: 15_000 }).toBeGreaterThan(0)
  })

  it('searches the Audit Log, filters it by action and exports what matches as CSV, audited', { timeout: 120_000 }, async () => {
    await env.page.getByRole('link', { name: 'Audit Log' }).click()
    const table = env.page.getByTestId('audit-table')
    await table.waitFor()
    await env.page.getByTestId('audit-search').fill('thistlewood')
    await env.page.getByTestId('audit-action').click()
    await env.page.getByRole('option', { name: 'patient.created', exact: true }).click()

    // only Ophelia's pets' registrations: a full page of them, nothing else
    const rows = table.locator('tbody tr')
    // the typed search is applied after a pause: the list and the export use it from then on
    await expect.poll(() => env.page.getByTestId('audit-results').getAttribute('data-search'), { timeout: 15_000 }).toBe('thistlewood')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(100)
    const texts = await rows.allTextContents()
    for (const t of texts) {
      expect(t).toContain('patient.created')
      expect(t).toContain('Thistlewood')
    }

    // the export carries every matching entry, not only the page on screen
    const [download] = await Promise.all([env.page.waitForEvent('download', { timeout: 30_000 }), env.page.getByTestId('audit-export').click()])
    expect(download.suggestedFilename()).toMatch(/^audit-log.*\.csv$/)
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'))
    const [header, ...data] = csv
    const col = (name: string) => header.indexOf(name)
    expect(col('Action')).toBeGreaterThanOrEqual(0)
    expect(data.length).toBe(EXTRA_PEBBLES + 1)
    for (const r of data) {
      expect(r[col('Action')]).toBe('patient.created')
      expect(r.join(' ')).toContain('Thistlewood')
    }

    // taking data out of the app is itself in the log, with who did it and what was exported
    const desk = await apiSignIn(env.hub, (s) => s.displayName === 'Priya Nair')
    const latest = (await api(env.hub, 'audit.list', { limit: 5 }, desk)).json.result as { action: string; actorName: string; summary: string }[]
    const exported = latest.find((e) => e.action === 'audit.exported')
    expect(exported?.actorName).toBe('Priya Nair')
    expect(exported?.summary).toContain(String(EXTRA_PEBBLES + 1))
    expect(env.errors).toEqual([])
  })
})
