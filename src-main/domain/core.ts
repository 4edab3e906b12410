import type { Store } from '../db/store'
import type { AuditLog } from '../audit/chain'
import type { EventBus } from '../events'

/** What every domain service is built from. */
export interface Core {
  store: Store
  audit: AuditLog
  events: EventBus
}
