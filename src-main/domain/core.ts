import type { Store } from '../db/store'
import type { AuditLog } from '../audit/chain'
import type { EventBus } from '../events'
import type { RefusalLog } from '../integrations/refusals'

/** What every domain service is built from. */
export interface Core {
  store: Store
  audit: AuditLog
  events: EventBus
  /** refused connections of every listener, audited per peer and minute */
  refusals: RefusalLog
}
