/** The parts of simple-hl7 (no published types) the tests use as an independent HL7 peer. */
declare module 'simple-hl7' {
  interface Hl7Field {
    toString(): string
  }
  interface Hl7Segment {
    getField(i: number): Hl7Field
    setField(i: number, v: string): void
  }
  interface Hl7Msg {
    getSegment(name: string): Hl7Segment
  }
  interface App {
    use(handler: (req: { raw: string; msg: Hl7Msg }, res: { ack: Hl7Msg; end(): void }, next?: () => void) => void): void
    start(port: number): void
    stop(): void
  }
  interface TcpClient {
    send(message: string, cb: (err: Error | null, ack: Hl7Msg) => void): void
  }
  const hl7: { tcp(): App; Server: { createTcpClient(host: string, port: number): TcpClient } }
  export default hl7
}
