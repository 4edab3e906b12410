/** Microchip scanners' handlers: the contract's scanners.* onto this workstation's scanners. */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

type ScannerMethod = Extract<keyof Handlers, `scanners.${string}`>

export function scannerHandlers(s: Services): Pick<Handlers, ScannerMethod> {
  return {
    'scanners.resolve': ({ raw }) => s.scanners.resolve(raw),
    'scanners.status': () => s.scanners.status(),
    'scanners.configure': ({ serial }, ctx) => s.scanners.configure(who(ctx), serial)
  }
}
