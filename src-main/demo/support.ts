/**
 * The demo's VetOS support desk: its simulated intake runs on this machine, and the demo clinic's
 * "VetOS support (simulator)" integration points at it, approved by the demo administrator for
 * sample device messages only (a request that keeps patient identity is refused by the gate).
 */
import type { App } from '../app'
import type { Actor } from '../domain/actor'
import { SupportDeskSimulator } from '../simulators/support-desk'

export const DEMO_SUPPORT_KEY = 'sup_demo_vetos_simulator'
export const DEMO_SUPPORT_NAME = 'VetOS support (simulator)'

export async function startDemoSupportDesk(app: App, log: (line: string) => void): Promise<SupportDeskSimulator> {
  const s = app.services
  const existing = s.integrations.list().find((i) => i.kind === 'support' && i.name === DEMO_SUPPORT_NAME)
  // The same port as last time when it is free, so a request queued before a restart still finds the desk.
  const kept = existing ? Number(new URL(s.integrations.config(existing.id).baseUrl ?? 'http://127.0.0.1:0').port) : 0
  let desk = new SupportDeskSimulator({ port: kept, apiKeys: [DEMO_SUPPORT_KEY], log })
  try {
    await desk.start()
  } catch {
    desk = new SupportDeskSimulator({ apiKeys: [DEMO_SUPPORT_KEY], log })
    await desk.start()
  }
  const admin = s.staff.list().find((m) => m.role === 'admin' && m.active)
  if (!admin) throw new Error('the demo clinic has no active administrator to approve VetOS support')
  const actor: Actor = { id: admin.id, name: admin.displayName, role: admin.role }
  const config = { baseUrl: desk.url, apiKey: DEMO_SUPPORT_KEY, catalogEntry: 'vetos-support' }
  if (!existing) {
    const made = s.integrations.create(actor, { kind: 'support', name: DEMO_SUPPORT_NAME, enabled: true, config })
    s.integrations.approve(actor, made.id, ['device_samples'])
  } else if (s.integrations.config(existing.id).baseUrl !== desk.url) {
    // A new port withdraws the approval; it is given again for what it had.
    const had = existing.approval?.categories ?? ['device_samples']
    s.integrations.update(actor, { id: existing.id, config: { ...s.integrations.config(existing.id), ...config } })
    s.integrations.approve(actor, existing.id, had)
  }
  return desk
}
