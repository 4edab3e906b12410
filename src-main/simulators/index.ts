import type { App } from '../app'
import { ReferenceLabSimulator } from './reference-lab'
import { AnalyzerSimulator } from './analyzer'
import { TcpServerTransport } from '../astm/transport'
import { StripeSimulator } from './stripe'
import { DEMO_READER, DEMO_STRIPE_KEY } from '../demo/generate'
import { startDemoProveniq } from '../demo/proveniq'
import { runUrinalysis, type UrinalysisPatient } from './urinalysis'
import { startDemoSupportDesk } from '../demo/support'

export interface RunningSimulators {
  stop(): Promise<void>
}

/**
 * Starts the simulators for every enabled simulated integration (the demo clinic's), each on the
 * port its integration record names, talking to this app's own listeners over real sockets.
 */
export async function startSimulators(app: App, log: (line: string) => void): Promise<RunningSimulators> {
  const running: { stop(): Promise<void> }[] = []
  const hl7 = app.services.labs.listener
  for (const i of app.services.integrations.list()) {
    if (!i.enabled || !/simulator/i.test(i.name)) continue
    if (i.kind === 'reference_lab' && hl7 && i.config.port) {
      const sim = new ReferenceLabSimulator({ port: i.config.port, vetos: { host: '127.0.0.1', port: hl7.port }, log })
      try {
        await sim.start()
        running.push(sim)
      } catch (e) {
        log(`The reference-lab simulator could not listen on port ${i.config.port}: ${(e as Error).message}`)
      }
    }
    if (i.kind === 'payments' && i.config.baseUrl) {
      // The simulated card terminal: a card is tapped a few seconds after a payment reaches it.
      const sim = new StripeSimulator({ port: Number(new URL(i.config.baseUrl).port), apiKeys: [DEMO_STRIPE_KEY, ...(app.services.integrations.config(i.id).apiKey ? [app.services.integrations.config(i.id).apiKey!] : [])], readers: [DEMO_READER], autoPresentMs: 4000, log })
      try {
        await sim.start()
        // The demo's past card payments are charges the simulated account holds.
        const history = app.core.store.sqlite
          .prepare(
            `SELECT p.id AS localPaymentId, p.provider_ref AS intentId, p.amount_minor AS amountMinor, p.card_last4 AS last4, p.received_at AS at,
               coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded'), 0) AS refundedMinor
             FROM payments p WHERE p.method = 'card' AND p.status = 'succeeded' AND p.provider_ref LIKE 'pi_demo_%'`
          )
          .all() as { localPaymentId: string; intentId: string; amountMinor: number; last4: string | null; at: string; refundedMinor: number }[]
        const currency = app.services.clinic.get().currency
        sim.importCharges(history.map((h) => ({ ...h, last4: h.last4 ?? '4242', createdMs: Date.parse(h.at), currency })))
        running.push(sim)
        void app.services.billing.card.probe()
      } catch (e) {
        log(`The Stripe simulator could not listen on ${i.config.baseUrl}: ${(e as Error).message}`)
      }
    }
    if (i.kind === 'analyzer' && i.config.host && i.config.port) {
      // The simulated analyzer listens where its record says VetOS dials.
      const sim = new AnalyzerSimulator({ transport: new TcpServerTransport('127.0.0.1', i.config.port, () => []), runAfter: 5, log })
      try {
        await sim.start()
        running.push(sim)
        // The one nobody has profiled yet (capture mode) runs urine samples of the day's patients by itself.
        if (i.config.capture) {
          const runs = runUrinalysis(sim, demoUrinePatients(app), { firstMs: 5000, everyMs: 90_000, max: 12, log })
          running.push({ stop: async () => runs.stop() })
        }
      } catch (e) {
        log(`The analyzer simulator could not listen on port ${i.config.port}: ${(e as Error).message}`)
      }
    }
  }
  // The demo clinic's PROVENIQ network (PetMayday, PetLifeLog): the service with simulated members, in this process.
  if (app.services.info.demo) {
    try {
      running.push(await startDemoProveniq(app, log))
    } catch (e) {
      log(`The PROVENIQ service could not start: ${(e as Error).message}`)
    }
    // The VetOS support desk's intake, where the demo's requests for a new integration go.
    try {
      running.push(await startDemoSupportDesk(app, log))
    } catch (e) {
      log(`The support desk simulator could not start: ${(e as Error).message}`)
    }
  }
  return { stop: async () => void (await Promise.all(running.map((s) => s.stop()))) }
}

/** A few of the demo clinic's dogs and cats, as a technician would type them at the urine analyzer. */
function demoUrinePatients(app: App): UrinalysisPatient[] {
  return app.core.store.sqlite
    .prepare("SELECT p.name AS pet, c.last_name AS owner, p.species, p.sex FROM patients p JOIN clients c ON c.id = p.client_id WHERE p.species IN ('canine', 'feline') AND p.deceased_at IS NULL AND p.deleted_at IS NULL ORDER BY p.rowid LIMIT 6")
    .all() as UrinalysisPatient[]
}
