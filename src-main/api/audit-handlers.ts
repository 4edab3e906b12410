/** The Audit Log's action list and export: the contract's audit.actions and audit.export (audit.list and audit.verify are in handlers.ts). */
import type { Services } from '../app'
import { who, type Handlers } from './handler-types'

export function auditHandlers(s: Services): Pick<Handlers, 'audit.actions' | 'audit.export'> {
  return {
    'audit.actions': () => s.auditQuery.actions(),
    'audit.export': (i, ctx) => s.auditQuery.export(who(ctx), i)
  }
}
