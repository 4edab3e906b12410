import { connect } from 'node:net'
import type { Answer, Transmitter } from '../integrations/outbound'
import type { Permit } from '../consent/gate'
import { frame, MllpFramer, type MllpChunk } from './mllp'
import { parseAck } from './lab-messages'

/**
 * Sends one HL7 message over MLLP and waits for the ACK that names its control id.
 * AA/CA is accepted; AE/AR/CE/CR is the lab's refusal; no answer in time is a link failure.
 * beforeWrite runs once connected, right before the bytes leave, and may refuse by throwing.
 * VetOS itself only sends through MllpTransmitter (which spends the gate's permit there); the
 * demo's simulated lab, which plays the outside world, uses this directly.
 */
export function mllpExchange(host: string, port: number, payload: Buffer, controlId: string, ackTimeoutMs: number, beforeWrite: () => void = () => {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    const framer = new MllpFramer()
    let settled = false
    const finish = (err: Error | null, answer?: Answer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve(answer!)
    }
    const timer = setTimeout(() => finish(new Error(`no acknowledgement from ${host}:${port} within ${Math.round(ackTimeoutMs / 1000)} s`)), ackTimeoutMs)
    socket.on('connect', () => {
      try {
        beforeWrite()
      } catch (e) {
        finish(e as Error)
        return
      }
      socket.write(frame(payload))
    })
    socket.on('error', (e: NodeJS.ErrnoException) => finish(new Error(`cannot reach ${host}:${port} (${e.code ?? e.message})`)))
    socket.on('close', () => finish(new Error(`${host}:${port} closed the connection without acknowledging`)))
    socket.pipe(framer)
    framer.on('data', (chunk: MllpChunk) => {
      if (chunk.kind !== 'message') return
      try {
        const ack = parseAck(chunk.data.toString('utf8'))
        if (ack.ackedControlId && ack.ackedControlId !== controlId) return // an answer to something else
        const accepted = ack.code === 'AA' || ack.code === 'CA'
        finish(null, { accepted, response: chunk.data, detail: ack.text || (accepted ? 'accepted' : `refused (${ack.code})`) })
      } catch (e) {
        finish(new Error(`unreadable acknowledgement: ${(e as Error).message}`))
      }
    })
  })
}

/** A reference lab's order channel: every message spends the consent gate's permit as it leaves. */
export class MllpTransmitter implements Transmitter {
  constructor(
    private readonly integrationId: string,
    private readonly host: string,
    private readonly port: number,
    private readonly ackTimeoutMs = 30_000
  ) {}

  send(permit: Permit, payload: Buffer, controlId: string): Promise<Answer> {
    return mllpExchange(this.host, this.port, payload, controlId, this.ackTimeoutMs, () => permit.spend(this.integrationId))
  }
}
