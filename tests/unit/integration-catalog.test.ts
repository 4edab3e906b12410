/**
 * The integration catalog is data: every shipped entry reads, support's own file in the data
 * folder shows without a restart (and replaces a shipped entry of the same id), a broken file is
 * named as a problem and hides nothing else, and an entry can never carry a secret or be approved.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INTEGRATION_KINDS } from '../../src-preload/contract'
import { makeApp, type TestApp } from '../helpers/app'

describe('the integration catalog', () => {
  let t: TestApp
  beforeAll(() => {
    t = makeApp()
    t.signIn('admin')
  })
  afterAll(() => t.close())
  const clinicFile = (name: string, body: unknown) => {
    mkdirSync(join(t.dir, 'catalog'), { recursive: true })
    writeFileSync(join(t.dir, 'catalog', name), typeof body === 'string' ? body : JSON.stringify(body))
  }

  it('ships an entry for every kind, each saying how it connects, what it exchanges, what it asks for and what it was tested against', () => {
    const { entries, problems } = t.call('integrations.catalog', {})
    expect(problems).toEqual([])
    for (const kind of INTEGRATION_KINDS) expect(entries.some((e) => e.kind === kind), kind).toBe(true)
    for (const e of entries) {
      expect(e.source).toBe('shipped')
      expect(e.connects.length).toBeGreaterThan(20)
      expect(e.tested.length).toBeGreaterThan(20)
      expect(e.exchanges.length).toBeGreaterThan(0)
      expect(e.categories.length).toBeGreaterThan(0)
    }
    const labs = entries.filter((e) => e.kind === 'reference_lab')
    // HL7 v2.5 with either order message, and v2.3.1 (ORM only: OML^O21 came with v2.4).
    expect(labs.map((e) => `${e.config.lab?.hl7Version ?? '2.5'} ${e.config.lab?.orderMessage}`).sort()).toEqual(['2.3.1 ORM^O01', '2.5 OML^O21', '2.5 ORM^O01'])
    // grouped by kind, in the order the screen shows kinds
    const order = entries.map((e) => INTEGRATION_KINDS.indexOf(e.kind))
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })

  it('shows an entry support adds to the data folder without a restart, and lets it replace a shipped one', () => {
    const before = t.call('integrations.catalog', {}).entries
    const { source, ...shipped } = before.find((e) => e.id === 'analyzer-astm-serial')!
    expect(source).toBe('shipped')
    clinicFile('vetscan-hm5.json', { ...shipped, id: 'vetscan-hm5', name: 'VetScan HM5 (clinic profile)', tested: 'Captured on site on 2026-11-30 by support; 40 runs read and matched.' })
    clinicFile('analyzer-astm-serial.json', { ...shipped, name: 'In-house analyzer — ASTM over RS-232 (support’s revision)' })
    const after = t.call('integrations.catalog', {}).entries
    expect(after).toHaveLength(before.length + 1)
    expect(after.find((e) => e.id === 'vetscan-hm5')).toMatchObject({ source: 'clinic', kind: 'analyzer' })
    expect(after.filter((e) => e.id === 'analyzer-astm-serial')).toEqual([expect.objectContaining({ source: 'clinic', name: 'In-house analyzer — ASTM over RS-232 (support’s revision)' })])
  })

  it('names a file that does not read and still lists every other entry', () => {
    const count = t.call('integrations.catalog', {}).entries.length
    clinicFile('broken.json', '{ "id": "broken", ')
    clinicFile('wrong-kind.json', { id: 'wrong-kind', kind: 'fax', name: 'Fax', vendor: 'x', connects: 'x', exchanges: ['x'], categories: [], tested: 'x' })
    clinicFile('with-key.json', { id: 'with-key', kind: 'payments', name: 'Cards', vendor: 'x', connects: 'x', exchanges: ['x'], categories: ['payments'], tested: 'x', config: { apiKey: 'sk_live_123' } })
    clinicFile('extra-field.json', { id: 'extra-field', kind: 'payments', name: 'Cards', vendor: 'x', connects: 'x', exchanges: ['x'], categories: ['payments'], tested: 'x', approved: true })
    clinicFile('huge.json', JSON.stringify({ pad: 'x'.repeat(300_000) }))
    clinicFile('notes.txt', 'not an entry')
    const { entries, problems } = t.call('integrations.catalog', {})
    expect(entries).toHaveLength(count)
    const why = Object.fromEntries(problems.map((p) => [p.file, p.message]))
    expect(Object.keys(why).sort()).toEqual(['catalog/broken.json', 'catalog/extra-field.json', 'catalog/huge.json', 'catalog/with-key.json', 'catalog/wrong-kind.json'])
    expect(why['catalog/broken.json']).toMatch(/not valid JSON/)
    expect(why['catalog/wrong-kind.json']).toMatch(/^kind /)
    expect(why['catalog/with-key.json']).toMatch(/must not hold an API key/)
    expect(why['catalog/extra-field.json']).toMatch(/approved/)
    expect(why['catalog/huge.json']).toMatch(/at most/)
  })

  it('is readable by every role, and an entry started as an integration is not approved until an administrator approves it', () => {
    const desk = t.signIn('front_desk')
    expect(t.raw('integrations.catalog', {}, desk).ok).toBe(true)
    const admin = t.signIn('admin')
    const entry = t.call('integrations.catalog', {}, admin).entries.find((e) => e.id === 'reference-lab-hl7-v25-orm')!
    const created = t.call('integrations.create', { kind: entry.kind, name: 'Riverside Reference Lab', config: { ...entry.config, host: '10.0.0.20', catalogEntry: entry.id } }, admin)
    expect(created.approval).toBeNull()
    expect(created.config).toMatchObject({ catalogEntry: 'reference-lab-hl7-v25-orm', port: 2575, lab: { orderMessage: 'ORM^O01' } })
    expect(t.raw('integrations.create', { kind: entry.kind, name: 'From the desk', config: entry.config }, desk)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
