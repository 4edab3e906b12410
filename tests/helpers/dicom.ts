/**
 * DICOM as a modality or an attacker writes it, for tests: DCMTK's tools, raw PDUs (PS3.8 9.3) and
 * DIMSE commands (PS3.7, implicit VR little endian).
 */
import { execFile } from 'node:child_process'
import { connect } from 'node:net'

export const DX = '1.2.840.10008.5.1.4.1.1.1.1'
export const VERIFICATION = '1.2.840.10008.1.1'
export const IMPLICIT_LE = '1.2.840.10008.1.2'

/** Runs a DCMTK tool; resolves with its exit code and output, never rejects. */
export function dcmtk(tool: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }))
  })
}

export const pdu = (type: number, body: Buffer, declared = body.length) => {
  const h = Buffer.alloc(6)
  h.writeUInt8(type, 0)
  h.writeUInt32BE(declared, 2)
  return Buffer.concat([h, body])
}
export const item = (type: number, body: Buffer) => {
  const h = Buffer.alloc(4)
  h.writeUInt8(type, 0)
  h.writeUInt16BE(body.length, 2)
  return Buffer.concat([h, body])
}
export const uid = (s: string) => Buffer.from(s.length % 2 ? `${s}\0` : s, 'latin1')
export const ae = (s: string) => Buffer.from(s.padEnd(16, ' '), 'latin1')
export function associateRq(calling: string, maxPdu = 16384): Buffer {
  const max = Buffer.alloc(4)
  max.writeUInt32BE(maxPdu)
  const pc = (id: number, abstract: string) => item(0x20, Buffer.concat([Buffer.from([id, 0, 0, 0]), item(0x30, uid(abstract)), item(0x40, uid(IMPLICIT_LE))]))
  return pdu(0x01, Buffer.concat([Buffer.from([0, 1, 0, 0]), ae('VETOS'), ae(calling), Buffer.alloc(32), item(0x10, uid('1.2.840.10008.3.1.1.1')), pc(1, VERIFICATION), pc(3, DX), item(0x50, item(0x51, max))]))
}
export function command(elements: [number, Buffer][]): Buffer {
  const el = (e: number, v: Buffer) => {
    const h = Buffer.alloc(8)
    h.writeUInt16LE(e, 2)
    h.writeUInt32LE(v.length, 4)
    return Buffer.concat([h, v])
  }
  const body = Buffer.concat(elements.map(([e, v]) => el(e, v)))
  const len = Buffer.alloc(4)
  len.writeUInt32LE(body.length)
  return Buffer.concat([el(0, len), body])
}
export const us = (n: number) => Buffer.from([n & 0xff, n >> 8])
export const pData = (pc: number, control: number, data: Buffer) => {
  const h = Buffer.alloc(6)
  h.writeUInt32BE(data.length + 2, 0)
  h.writeUInt8(pc, 4)
  h.writeUInt8(control, 5)
  return pdu(0x04, Buffer.concat([h, data]))
}
export const echoRq = pData(1, 0x03, command([[0x0002, uid(VERIFICATION)], [0x0100, us(0x30)], [0x0110, us(1)], [0x0800, us(0x0101)]]))
export const storeRq = (sop: string, dataset: Buffer) => Buffer.concat([pData(3, 0x03, command([[0x0002, uid(DX)], [0x0100, us(1)], [0x0110, us(2)], [0x0700, us(0)], [0x0800, us(0)], [0x1000, uid(sop)]])), pData(3, 0x02, dataset)])
export const releaseRq = pdu(0x05, Buffer.alloc(4))

/**
 * A C-STORE of the given dataset bytes, in raw PDUs (garbage and cut-off transfers no DCMTK tool
 * sends); complete, it waits for the C-STORE-RSP and returns its status.
 */
export function rawStore(port: number, sopInstance: string, dataset: Buffer, complete: boolean, callingAet = 'DRROOM'): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port })
    s.once('error', reject)
    s.once('connect', () => s.write(associateRq(callingAet)))
    s.once('data', (d) => {
      if (d[0] !== 0x02) return reject(new Error(`association not accepted (PDU type ${d[0]})`))
      if (!complete) {
        // the command and the first bytes of a dataset, not its last fragment, then the cable is pulled
        const start = pData(3, 0x03, command([[0x0002, uid(DX)], [0x0100, us(1)], [0x0110, us(7)], [0x0700, us(0)], [0x0800, us(0)], [0x1000, uid(sopInstance)]]))
        s.write(Buffer.concat([start, pData(3, 0x00, dataset)]), () => setTimeout(() => (s.destroy(), resolve(null)), 50))
        return
      }
      s.write(storeRq(sopInstance, dataset))
      // the C-STORE-RSP: its Status (0000,0900) is a US in the command set
      s.once('data', (r) => {
        const at = r.indexOf(Buffer.from([0x00, 0x00, 0x00, 0x09, 0x02, 0x00, 0x00, 0x00]))
        s.destroy()
        resolve(at < 0 ? null : r.readUInt16LE(at + 8))
      })
    })
  })
}
