import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { ConsentRefused, Permit } from '../../src-main/consent/gate'
import type { Actor } from '../../src-main/domain/actor'

describe('consent gate', () => {
  let t: TestApp
  let actor: Actor
  let labId: string
  beforeEach(() => {
    t = makeApp()
    t.signIn('admin')
    const admin = t.call('auth.me', {})
    actor = { id: admin.id, name: admin.displayName, role: admin.role }
    labId = t.call('integrations.create', { kind: 'reference_lab', name: 'Test lab', config: { host: '127.0.0.1', port: 2575 } }).id
  })
  afterEach(() => t.close())

  const send = (integrationId: string, categories: ('patient_identity' | 'lab_orders' | 'owner_contact')[] = ['patient_identity', 'lab_orders']) =>
    t.app.services.gate.authorize({ integrationId, categories, summary: 'Order CBC for Bella', actor })

  const lastAudit = () => t.call('audit.list', { limit: 1 })[0]

  it('refuses an integration that is configured but not approved, and audits the refusal', () => {
    expect(() => send(labId)).toThrow(ConsentRefused)
    expect(() => send(labId)).toThrow(/has not been approved/)
    expect(lastAudit()).toMatchObject({ action: 'outbound.refused', direction: 'outbound', outcome: 'refused', integrationId: labId })
  })

  it('refuses an integration that does not exist', () => {
    expect(() => send('01900000-0000-7000-8000-000000000000')).toThrow(/No such integration/)
    expect(lastAudit()).toMatchObject({ action: 'outbound.refused', outcome: 'refused' })
  })

  it('permits exactly the approved categories and audits the permit', () => {
    t.call('integrations.approve', { id: labId, categories: ['patient_identity', 'lab_orders'] })
    const permit = send(labId)
    expect(permit).toMatchObject({ integrationId: labId, config: { host: '127.0.0.1', port: 2575 } })
    expect(lastAudit()).toMatchObject({ action: 'outbound.permitted', outcome: 'ok', integrationId: labId })
    expect(() => send(labId, ['patient_identity', 'owner_contact'])).toThrow(/not approved for: owner_contact/)
  })

  it('refuses a disabled integration even when approved', () => {
    t.call('integrations.approve', { id: labId, categories: ['patient_identity', 'lab_orders'] })
    t.call('integrations.update', { id: labId, enabled: false })
    expect(() => send(labId)).toThrow(/disabled/)
  })

  it('withdraws approval when the destination changes, but not for a rename', () => {
    t.call('integrations.approve', { id: labId, categories: ['patient_identity', 'lab_orders'] })
    expect(t.call('integrations.update', { id: labId, name: 'Renamed lab' }).approval).not.toBeNull()
    const moved = t.call('integrations.update', { id: labId, config: { host: '10.0.0.9', port: 2575 } })
    expect(moved.approval).toBeNull()
    expect(() => send(labId)).toThrow(/has not been approved/)
  })

  it('refuses after approval is revoked', () => {
    t.call('integrations.approve', { id: labId, categories: ['patient_identity', 'lab_orders'] })
    t.call('integrations.revoke', { id: labId, reason: 'Contract ended' })
    expect(() => send(labId)).toThrow(ConsentRefused)
    expect(t.call('audit.list', { integrationId: labId, limit: 10 }).map((e) => e.action)).toContain('integration.revoked')
  })

  it('tells the workstation about a refusal', () => {
    expect(() => send(labId)).toThrow()
    expect(t.call('notifications.list', {})[0]).toMatchObject({ kind: 'consent.refused', severity: 'warning' })
  })

  it('never shows a stored secret to the renderer', () => {
    const pay = t.call('integrations.create', { kind: 'payments', name: 'Card terminal', config: { apiKey: 'sk_test_abcdef123456' } })
    expect(pay.config.apiKey).toBe('••••3456')
    expect(JSON.stringify(t.call('integrations.list', {}))).not.toContain('sk_test_abcdef')
    // sending the masked value back keeps the stored key
    t.call('integrations.update', { id: pay.id, config: { apiKey: '••••3456' } })
    expect(t.app.services.integrations.config(pay.id).apiKey).toBe('sk_test_abcdef123456')
  })

  it('only an administrator approves', () => {
    const vet = t.signIn('veterinarian')
    const r = t.raw('integrations.approve', { id: labId, categories: ['lab_orders'] }, vet)
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  describe('the permit a transport spends as the bytes leave', () => {
    beforeEach(() => t.call('integrations.approve', { id: labId, categories: ['patient_identity', 'lab_orders'] }))

    it('is spent once, for its own integration', () => {
      const permit = send(labId)
      const other = t.call('integrations.create', { kind: 'reference_lab', name: 'Other lab', config: { host: '127.0.0.1', port: 2576 } }).id
      t.call('integrations.approve', { id: other, categories: ['patient_identity', 'lab_orders'] })
      expect(() => permit.spend(other)).toThrow(/cannot be used for another integration/)
      permit.spend(labId)
      expect(() => permit.spend(labId)).toThrow(/not permitted by the consent gate/)
    })

    it('cannot be forged outside the gate', () => {
      const forged = new Permit(labId, 'Test lab', {}, ['patient_identity', 'lab_orders'], () => null)
      expect(() => forged.spend(labId)).toThrow(ConsentRefused)
    })

    it('asks the gate again when it is spent: approval withdrawn in between refuses the send, audited', () => {
      const permit = send(labId)
      t.call('integrations.approve', { id: labId, categories: ['lab_orders'] })
      expect(() => permit.spend(labId)).toThrow(/not approved for: patient_identity/)
      expect(lastAudit()).toMatchObject({ action: 'outbound.refused', direction: 'outbound', outcome: 'refused', integrationId: labId })
    })
  })
})
