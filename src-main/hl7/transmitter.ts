import { connect } from 'node:net'
import type { Answer, Transmitter } from '../integrations/outbound'
import { frame, MllpFramer, type MllpChunk } from './mllp'
import { parseAck } from './lab-messages'

/**
 * Sends one HL7 message over MLLP and waits for the ACK that names its control id.
 * AA/CA is accepted; AE/AR/CE/CR is the lab's refusal; no answer in time is a link failure.
 */
export class MllpTransmitter implements Transmitter {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly ackTimeoutMs = 30_000
  ) {}

  send(payload: Buffer, controlId: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port })
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
      const timer = setTimeout(() => finish(new Error(`no acknowledgement from ${this.host}:${this.port} within ${Math.round(this.ackTimeoutMs / 1000)} s`)), this.ackTimeoutMs)
      socket.on('connect', () => socket.write(frame(payload)))
      socket.on('error', (e: NodeJS.ErrnoException) => finish(new Error(`cannot reach ${this.host}:${this.port} (${e.code ?? e.message})`)))
      socket.on('close', () => finish(new Error(`${this.host}:${this.port} closed the connection without acknowledging`)))
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
}
