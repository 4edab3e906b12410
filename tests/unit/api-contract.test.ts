import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeApp, type TestApp } from '../helpers/app'
import { renderApiDoc } from '../../scripts/api-doc'
import { ROOT } from '../helpers/hub'

describe('the API contract at the dispatcher', () => {
  let t: TestApp
  beforeEach(() => (t = makeApp()))
  afterEach(() => t.close())

  const counts = () => {
    const q = (sql: string) => (t.app.core.store.sqlite.prepare(sql).get() as { n: number }).n
    return { clients: q('SELECT count(*) n FROM clients'), audit: q('SELECT count(*) n FROM audit_log'), outbox: q('SELECT count(*) n FROM outbox') }
  }

  it('rejects invalid input with every offending field named, and writes nothing', () => {
    const token = t.signIn('front_desk')
    const before = counts()
    const r = t.raw('clients.create', { firstName: '', lastName: 'x'.repeat(200), email: 'not-an-email', phones: [{ number: 'abc' }] }, token)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('invalid-input')
    expect(r.error.issues!.map((i) => i.path)).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'phones.0.number']))
    expect(counts()).toEqual(before)
  })

  it('rejects unknown fields rather than ignoring them', () => {
    const token = t.signIn('front_desk')
    expect(t.raw('clients.create', { firstName: 'A', lastName: 'B', phones: [], isAdmin: true }, token)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('names an unknown method', () => {
    expect(t.raw('patients.drop', {}, null)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    expect(t.raw('__proto__', {}, null)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
  })

  it('requires a session for everything but the sign-in methods', () => {
    expect(t.raw('patients.search', { query: 'bella' }, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(t.raw('patients.search', { query: 'bella' }, 'forged-token')).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(t.raw('auth.staffList', {}, null).ok).toBe(true)
  })

  it('enforces roles: front desk may not write clinical notes', () => {
    const token = t.signIn('front_desk')
    const p = t.call('patients.search', { query: 'bella' }, token)[0]
    expect(t.raw('notes.add', { patientId: p.id, kind: 'soap', body: 'x' }, token)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('locks a staff member out after five wrong PINs, and audits each failure', () => {
    const vet = t.app.services.staff.list().find((s) => s.role === 'veterinarian')!
    for (let i = 0; i < 5; i++) expect(t.raw('auth.login', { staffId: vet.id, pin: '9999' }, null)).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong PIN' } })
    expect(t.raw('auth.login', { staffId: vet.id, pin: '1234' }, null)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Too many wrong PINs/) } })
    expect(t.app.services.auditQuery.list({ actorId: vet.id, limit: 10 }).filter((e) => e.action === 'auth.failed')).toHaveLength(5)
  })

  it('ends a session at sign-out and when the person is deactivated', () => {
    const token = t.signIn('front_desk')
    t.call('auth.logout', {}, token)
    expect(t.raw('auth.me', {}, token)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    const desk = t.signIn('front_desk')
    const admin = t.signIn('admin')
    const me = t.call('auth.me', {}, desk)
    t.call('staff.update', { id: me.id, active: false }, admin)
    expect(t.raw('auth.me', {}, desk)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
  })

  it('turns an unexpected failure into internal-error without a stack trace', () => {
    const token = t.signIn('front_desk')
    t.app.core.store.sqlite.exec('DROP TABLE notifications')
    const r = t.raw('notifications.list', {}, token)
    expect(r).toMatchObject({ ok: false, error: { code: 'internal-error' } })
    expect(JSON.stringify(r)).not.toMatch(/at .*\.ts/)
  })
})

describe('docs/API.md', () => {
  it('lists every method of the contract, as generated from it', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'API.md'), 'utf8')
    expect(doc).toBe(renderApiDoc())
  })
})
