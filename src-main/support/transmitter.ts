/**
 * The one way a request for a new integration leaves this workstation: an HTTP(S) POST of the
 * reviewed payload to the VetOS support desk's intake, with the clinic's support key. It spends
 * the consent gate's permit right before the request goes. An unreachable or unanswering desk is
 * a failed link (the outbound queue keeps the request and tries again); a desk that answers and
 * refuses it (a bad key, a body it cannot take) is an answer, kept with the request.
 */
import type { Permit } from '../consent/gate'
import type { Answer, Transmitter } from '../integrations/outbound'

/** The desk is across the internet; a queued request waits no longer than this for one try. */
const TIMEOUT_MS = 15_000

export const INTAKE_PATH = '/v1/integration-requests'

export const REDIRECT_REFUSED = 'the support desk answered with a redirect to another address; VetOS sends only to the address that was approved, so nothing was sent there. Check the desk’s address under Integrations'

export class SupportTransmitter implements Transmitter {
  constructor(
    private readonly integrationId: string,
    private readonly fetchImpl: typeof fetch = fetch
  ) {}

  async send(permit: Permit, payload: Buffer, controlId: string): Promise<Answer> {
    const { baseUrl, apiKey } = permit.config
    if (!baseUrl || !apiKey) throw new Error('VetOS support has no address or key: an administrator enters them under Integrations')
    permit.spend(this.integrationId)
    let res: Response
    try {
      res = await this.fetchImpl(`${baseUrl.replace(/\/+$/, '')}${INTAKE_PATH}`, {
        method: 'POST',
        // The request id: a retry after a lost answer is the same request, not a second ticket.
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': controlId },
        body: new Uint8Array(payload),
        // Never re-POSTed elsewhere: a 307/308 would carry the payload to a host nobody approved.
        // (http is allowed: the desk may be a local one on the clinic's network, and the simulator is.)
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS)
      })
    } catch (e) {
      // Kept on the request as its answer: trying again would meet the same redirect.
      if ((e as { cause?: { message?: string } }).cause?.message?.includes('redirect')) return { accepted: false, response: Buffer.alloc(0), detail: REDIRECT_REFUSED }
      const detail = (e as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)
      throw new Error(`the support desk cannot be reached (${detail})`)
    }
    const response = Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0)))
    // A gateway's 5xx, a timeout or a rate limit: the desk is not answering, not refusing.
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(`the support desk is not answering (${res.status})`)
    const body = readJson(response)
    if (res.ok && typeof body?.ticket === 'string' && body.ticket) return { accepted: true, response, detail: body.ticket }
    const words = typeof body?.message === 'string' ? body.message : res.ok ? 'it answered without a ticket number' : `it answered ${res.status}`
    return { accepted: false, response, detail: words }
  }
}

function readJson(bytes: Buffer): { ticket?: unknown; message?: unknown } | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'))
    return v && typeof v === 'object' ? (v as { ticket?: unknown; message?: unknown }) : null
  } catch {
    return null
  }
}
