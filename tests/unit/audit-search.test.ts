import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { EXPORT_MAX_ROWS } from '../../src-main/audit/query'
import type { AuditExportEntry } from '../../src-preload/contract'

// The renderer's CSV module reaches the DOM (its download link): loaded at run time, so the Node
// type-check (tsconfig.node.json) does not follow it; tsconfig.web.json checks it.
const AUDIT_CSV = '../../src-renderer/src/components/audit-csv'
const { auditCsv, auditCsvName } = (await import(/* @vite-ignore */ AUDIT_CSV)) as {
  auditCsv: (entries: AuditExportEntry[]) => string
  auditCsvName: (now: Date, action?: string | null) => string
}

describe('Audit Log search, action filter and export', () => {
  let t: TestApp
  beforeEach(() => {
    t = makeApp({ demo: false })
    t.signIn('admin')
  })
  afterEach(() => t.close())

  const client = (firstName: string, lastName: string) => t.call('clients.create', { firstName, lastName, phones: [] })
  const actionsOf = (input: Parameters<typeof list>[0]) => list(input).map((e) => e.action)
  const list = (input: { search?: string; action?: string; beforeSeq?: number; limit?: number; patientId?: string }) => t.call('audit.list', { limit: 100, ...input })

  it('finds entries by every word, anywhere: who, action, what, details', () => {
    const c = client('Henrietta', 'Quillfeather')
    t.call('patients.create', { clientId: c.id, name: 'Persephone', species: 'feline' })
    expect(actionsOf({ search: 'quillfeather' })).toEqual(['patient.created', 'client.created'])
    expect(actionsOf({ search: 'QUILLFEATHER persephone' })).toEqual(['patient.created']) // every word, case aside
    expect(actionsOf({ search: 'patient.created' })).toEqual(['patient.created'])
    expect(list({ search: 'administrator quillfeather' }).length).toBe(2) // the actor's name
    expect(list({ search: 'quillfeather nowhere' })).toEqual([])
  })

  it('finds entries by the name of their patient or client even when the entry does not spell it', () => {
    const c = client('Zoë', 'Müller')
    const p = t.call('patients.create', { clientId: c.id, name: 'Señor Paws', species: 'canine' })
    t.call('patients.recordWeight', { patientId: p.id, weightKg: 12.5 })
    // the weight entry's own text need not name the owner; its patient's owner is Müller
    expect(actionsOf({ search: 'muller' })).toContain('patient.created')
    expect(list({ search: 'muller', patientId: p.id }).length).toBe(list({ patientId: p.id }).length)
    expect(actionsOf({ search: 'senor' }).length).toBe(list({ patientId: p.id }).length)
  })

  it('takes % and _ as letters, not wildcards', () => {
    client('Percy', 'Under_score')
    client('Plain', 'Underxscore')
    expect(list({ search: 'under_score' }).map((e) => e.summary).join(' ')).toContain('Under_score')
    expect(list({ search: 'under_score' }).map((e) => e.summary).join(' ')).not.toContain('Underxscore')
    expect(list({ search: '100%' })).toEqual([])
  })

  it('filters by one action, lists the actions the log holds (new ones as they appear), and pages the filtered log', () => {
    const c = client('Ophelia', 'Thistlewood')
    for (let i = 0; i < 7; i++) t.call('patients.create', { clientId: c.id, name: `Pebble ${i}`, species: 'rodent' })
    const before = t.call('audit.actions', {})
    expect(before).toEqual([...before].sort())
    expect(before).toContain('patient.created')
    expect(before).not.toContain('note.added')
    expect(actionsOf({ action: 'patient.created' })).toEqual(Array(7).fill('patient.created'))
    expect(list({ action: 'patient' })).toEqual([]) // one action exactly, not a prefix
    const page1 = list({ action: 'patient.created', search: 'thistlewood', limit: 3 })
    const page2 = list({ action: 'patient.created', search: 'thistlewood', limit: 3, beforeSeq: page1[2].seq })
    const page3 = list({ action: 'patient.created', search: 'thistlewood', limit: 3, beforeSeq: page2[2].seq })
    expect([...page1, ...page2, ...page3].map((e) => e.summary)).toEqual(list({ action: 'patient.created' }).map((e) => e.summary))
    t.call('clients.update', { id: c.id, firstName: 'Ophelia', lastName: 'Thistlewood-Marsh', phones: [] })
    expect(t.call('audit.actions', {})).toContain('client.updated')
  })

  it('exports every matching entry, not a page, and records the export with who made it and the filter', () => {
    const c = client('Ophelia', 'Thistlewood')
    for (let i = 0; i < 120; i++) t.call('patients.create', { clientId: c.id, name: 'Pebble', species: 'rodent', confirm: true })
    const out = t.call('audit.export', { search: 'thistlewood', action: 'patient.created' })
    expect(out.truncated).toBe(false)
    expect(out.entries).toHaveLength(120)
    expect(out.entries.every((e) => e.action === 'patient.created' && e.patientName === 'Pebble')).toBe(true)
    expect(out.entries[0].seq).toBeGreaterThan(out.entries[119].seq) // newest first, as on screen
    const [logged] = list({ limit: 1 })
    expect(logged).toMatchObject({ action: 'audit.exported', direction: 'outbound', actorName: 'Administrator' })
    expect(logged.summary).toContain('Exported 120 audit entries')
    expect(logged.summary).toContain('thistlewood')
    expect(JSON.parse(logged.details!)).toMatchObject({ rows: 120, truncated: false, filter: { search: 'thistlewood', action: 'patient.created' } })
    // an export with nothing matching is recorded too
    expect(t.call('audit.export', { search: 'no such words here' }).entries).toEqual([])
    expect(list({ limit: 1 })[0].summary).toContain('Exported 0 audit entries')
    expect(EXPORT_MAX_ROWS).toBeGreaterThanOrEqual(10_000)
  })

  it('refuses an export to someone not signed in', () => {
    expect(t.raw('audit.export', {}, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(t.raw('audit.export', { action: 'x', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })
})

describe('the Audit Log as CSV', () => {
  const entry = (over: Partial<AuditExportEntry>): AuditExportEntry => ({
    seq: 7, id: 'e7', occurredAt: '2026-12-02T10:00:00.000Z', recordedAt: '2026-12-02T10:00:00.100Z', actorId: 's1', actorName: 'Priya Nair', action: 'client.updated',
    direction: 'internal', integrationId: null, integrationName: null, patientId: null, patientName: null, entityType: 'client', entityId: 'c1', outcome: 'ok',
    summary: 'Updated client', details: null, hash: 'ab'.repeat(32), ...over
  })

  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const csv = auditCsv([
      entry({ summary: '=HYPERLINK("http://evil.example","click")', actorName: '+Mallory', details: '{"note":"a, b\nc"}', patientName: '@Pebble' }),
      entry({ seq: 6, summary: '-1 kg', patientName: 'Bella' })
    ])
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('Seq,When (UTC),Recorded (UTC),Who,Action,Direction,Outcome,What,Patient,Patient ID,Integration,Subject,Subject ID,Details,Hash')
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csv).toContain("'+Mallory")
    expect(csv).toContain("'@Pebble")
    expect(csv).toContain("'-1 kg")
    expect(csv).toContain('"{""note"":""a, b\nc""}"')
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('names the file for the day and the action', () => {
    expect(auditCsvName(new Date(2026, 11, 2, 9), null)).toBe('audit-log-2026-12-02.csv')
    expect(auditCsvName(new Date(2026, 11, 2, 9), 'patient.created')).toBe('audit-log-2026-12-02-patient.created.csv')
    expect(auditCsvName(new Date(2026, 11, 2, 9), '../x y')).toBe('audit-log-2026-12-02-.._x_y.csv')
  })
})
