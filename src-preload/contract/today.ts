/** Today, the home screen: the clinic's day at a glance in one read (computed by src-main/domain/today.ts). */
import { z } from 'zod'
import { EVERY_ROLE, Empty, Id, method } from './common'

/** Where a visit of the day stands, as the desk and the vet act on it. */
export const TODAY_GROUPS = ['booked', 'checked_in', 'in_progress', 'ready_for_checkout', 'done'] as const
export const TodayGroup = z.enum(TODAY_GROUPS)
export type TodayGroup = z.infer<typeof TodayGroup>

export const TodayVisit = z.object({
  visitId: Id,
  patientId: Id,
  patientName: z.string(),
  species: z.string(),
  clientId: Id,
  clientName: z.string(),
  reason: z.string(),
  veterinarianId: z.string().nullable(),
  veterinarianName: z.string().nullable(),
  status: z.enum(['booked', 'checked_in', 'in_progress', 'completed']),
  group: TodayGroup,
  /** the appointment, or when the visit was opened (a walk-in) */
  at: z.string(),
  /** the visit's newest invoice that is not void */
  invoice: z.object({ id: Id, state: z.string(), dueMinor: z.number().int() }).nullable(),
  /** the patient matches an active PetMayday missing-pet report */
  missing: z.enum(['exact', 'possible']).nullable()
})
export type TodayVisit = z.infer<typeof TodayVisit>

const ReviewWaiting = z.object({
  count: z.number().int(),
  /** the oldest few, oldest first */
  oldest: z.array(z.object({ id: Id, title: z.string(), who: z.string(), receivedAt: z.string() }))
})

export const StuckOrder = z.object({
  orderId: Id,
  orderNumber: z.string(),
  patientId: Id,
  patientName: z.string(),
  integrationName: z.string(),
  /** rejected by the lab, failed to send (refused or an error), or waiting on a link that is down */
  reason: z.enum(['rejected', 'failed', 'link_down']),
  detail: z.string().nullable(),
  createdAt: z.string()
})
export type StuckOrder = z.infer<typeof StuckOrder>

export const TodayOverview = z.object({
  /** the clinic's local day (YYYY-MM-DD, its timezone) */
  day: z.string(),
  timezone: z.string(),
  currency: z.string(),
  visits: z.array(TodayVisit),
  review: z.object({
    lab: ReviewWaiting,
    imaging: ReviewWaiting,
    /** final results no veterinarian has marked reviewed yet; mine: ordered by the caller */
    toRead: z.object({
      count: z.number().int(),
      mine: z.number().int(),
      oldest: z.array(z.object({ orderId: Id, orderNumber: z.string(), patientId: Id, patientName: z.string(), tests: z.string(), orderedByName: z.string().nullable(), mine: z.boolean(), since: z.string() }))
    })
  }),
  stuckOrders: z.object({ count: z.number().int(), items: z.array(StuckOrder) }),
  /** accounts receivable: what clients owe on finalized invoices, the largest balances first */
  balances: z.object({
    owedMinor: z.number().int(),
    clients: z.number().int(),
    top: z.array(z.object({ clientId: Id, clientName: z.string(), owedMinor: z.number().int(), oldestAt: z.string().nullable() }))
  }),
  missingPets: z.object({
    count: z.number().int(),
    items: z.array(
      z.object({ patientId: Id, patientName: z.string(), kind: z.enum(['exact', 'possible']), reportId: z.string(), lastSeenArea: z.string(), lastSeenAt: z.string(), filedBy: z.string(), visitToday: z.boolean() })
    )
  })
})
export type TodayOverview = z.infer<typeof TodayOverview>

export const todayMethods = {
  'today.overview': method({
    input: Empty,
    output: TodayOverview,
    access: EVERY_ROLE,
    description:
      'The clinic’s day (its timezone): today’s visits by status (booked, checked in, in progress, ready for checkout, done), results and studies waiting for review, stuck lab orders, unpaid balances and missing-pet matches.'
  })
}
