import type { Services } from '../app'
import type { SyncClient } from '../sync/client'
import { ApiError, conflict } from './errors'
import { billingHandlers } from './billing-handlers'
import { proveniqHandlers } from './proveniq-handlers'
import { petlifelogHandlers } from './petlifelog-handlers'
import { scannerHandlers } from './scanner-handlers'
import { auditHandlers } from './audit-handlers'
import { todayHandlers } from './today-handlers'
import { supportHandlers } from './support-handlers'
import { who, type Handlers } from './handler-types'
import { findClientIds } from '../domain/client-search'

export type { CallContext, Handlers } from './handler-types'

const joined = (s: Services): SyncClient => {
  if (!s.sync) throw new ApiError('not-found', 'this workstation has not joined a clinic server')
  return s.sync
}

/** One line per method: the handler maps the validated input onto a domain service. */
export function createHandlers(s: Services): Handlers {
  return {
    ...billingHandlers(s),
    ...proveniqHandlers(s),
    ...petlifelogHandlers(s),
    ...scannerHandlers(s),
    ...auditHandlers(s),
    ...todayHandlers(s),
    ...supportHandlers(s),
    'app.info': () => {
      const sync = s.sync?.status()
      const firstSync = sync && sync.tablesReady < sync.tables ? { tablesReady: sync.tablesReady, tables: sync.tables } : null
      return { clinicName: s.clinic.find()?.name ?? 'Joining your clinic…', version: s.info.version, deviceId: s.info.deviceId, demo: s.info.demo, host: s.info.host, firstSync }
    },
    // Once the app runs, this workstation has its clinic: setting up again is refused.
    'setup.state': () => ({ step: 'ready', error: null }),
    'setup.join': () => {
      throw conflict('This workstation already belongs to a clinic')
    },
    'setup.startNew': () => {
      throw conflict('This workstation already belongs to a clinic')
    },
    'sync.status': () => s.sync?.status() ?? null,
    'sync.devices': () => {
      const list = joined(s).devices.snapshot()
      if (!list.readAt && list.problem) throw conflict(list.problem)
      return list
    },
    // The server checks the person again: the signed-in administrator's id goes with their re-typed PIN.
    'sync.revokeDevice': (i, ctx) => joined(s).devices.revoke(who(ctx), i),
    'auth.staffList': () => s.staff.list().filter((m) => m.active).map(({ id, displayName, role }) => ({ id, displayName, role })),
    'auth.login': (i) => s.sessions.login(i.staffId, i.pin),
    'auth.logout': (_i, ctx) => (s.sessions.logout(ctx.token!, who(ctx)), { ok: true as const }),
    'auth.me': (_i, ctx) => s.staff.list().find((m) => m.id === who(ctx).id)!,

    'clinic.get': () => s.clinic.get(),
    'clinic.update': (i, ctx) => s.clinic.update(who(ctx), i),

    'staff.list': () => s.staff.list(),
    'staff.create': (i, ctx) => s.staff.create(who(ctx), i),
    'staff.update': (i, ctx) => s.staff.update(who(ctx), i),

    'clients.create': (i, ctx) => s.clients.create(who(ctx), i, true),
    'clients.update': ({ id, ...rest }, ctx) => s.clients.update(who(ctx), id, rest),
    'clients.get': (i) => s.clients.get(i.id),
    'clients.search': (i) => findClientIds(s.search, s.clients, i.query, i.limit).map((id) => s.clients.getClient(id)),

    'patients.search': (i) => s.search.search(i.query, i.kind, i.limit, i.includeDeceased),
    'patients.create': (i, ctx) => s.patients.create(who(ctx), i, true),
    'patients.update': (i, ctx) => s.patients.update(who(ctx), i),
    'patients.changeOwner': (i, ctx) => s.patients.changeOwner(who(ctx), i),
    'patients.get': (i) => s.patients.get(i.id),
    'patients.recordWeight': (i, ctx) => s.patients.recordWeight(who(ctx), i),
    'patients.addAlert': (i, ctx) => s.patients.addAlert(who(ctx), i),
    'patients.resolveAlert': (i, ctx) => (s.patients.resolveAlert(who(ctx), i.alertId, i.reason), { ok: true as const }),

    'visits.create': (i, ctx) => s.visits.create(who(ctx), i),
    'visits.setStatus': (i, ctx) => s.visits.setStatus(who(ctx), i.id, i.status),

    'notes.add': (i, ctx) => s.notes.add(who(ctx), i),
    'notes.amend': (i, ctx) => s.notes.amend(who(ctx), i),

    'audit.list': (i) => s.auditQuery.list(i),
    'audit.verify': () => s.audit.verify(),

    'integrations.list': () => s.integrations.list(),
    'integrations.catalog': () => s.catalog(),
    'integrations.health': () => s.health.report(),
    'integrations.captures': (i) => s.captures.list(i.integrationId, i.limit, i.profile),
    'integrations.capturePreview': (i) => s.captures.preview(i.integrationId, i.profile, i.limit),
    'integrations.create': (i, ctx) => s.integrations.create(who(ctx), i),
    'integrations.update': (i, ctx) => s.integrations.update(who(ctx), i),
    'integrations.approve': (i, ctx) => s.integrations.approve(who(ctx), i.id, i.categories),
    'integrations.revoke': (i, ctx) => s.integrations.revoke(who(ctx), i.id, i.reason),

    'labs.catalog': () =>
      s.integrations
        .list()
        .filter((i) => i.enabled && !i.config.capture && (i.kind === 'reference_lab' || i.kind === 'analyzer'))
        .map((i) => ({ integrationId: i.id, integrationName: i.name, kind: i.kind, approved: !!i.approval?.categories.includes('lab_orders'), tests: s.labs.orders.catalog(i.id) })),
    'labs.placeOrder': (i, ctx) => s.labs.views.order(s.labs.orders.place(who(ctx), i)),
    'labs.cancelOrder': (i, ctx) => s.labs.views.order(s.labs.orders.cancel(who(ctx), i.orderId, i.reason)),
    'labs.resubmitOrder': (i, ctx) => s.labs.views.order(s.labs.orders.resubmit(who(ctx), i.orderId)),
    'labs.markReviewed': (i, ctx) => s.labs.views.order(s.labs.orders.markReviewed(who(ctx), i.orderId)),
    'labs.orders': (i) => s.labs.views.ordersFor(i.patientId),
    'labs.results': (i) => s.labs.views.reportsFor(i.patientId),
    'labs.trend': (i) => s.labs.views.trend(i.patientId, i.code),
    'labs.report': (i) => {
      const patientId = s.labs.views.attachedPatient(i.reportId)
      const report = patientId ? s.labs.views.reportsFor(patientId).find((r) => r.id === i.reportId) : undefined
      if (!patientId || !report) throw new ApiError('not-found', 'This result is not attached to a patient')
      const detail = s.patients.get(patientId)
      return { report, patient: detail.patient, owner: detail.owner, clinic: s.clinic.get() }
    },
    'documents.list': (i) => s.labs.views.documentsFor(i.patientId),
    'documents.get': (i) => {
      const d = s.labs.documents(i.id)
      if (!d) throw new ApiError('not-found', 'Document was not found')
      const bytes = s.documentFiles.now(d)
      if (!bytes) throw new ApiError('not-found', 'This document is on its way from the clinic server; try again in a moment')
      return { id: d.id, title: d.title, mime: d.mime, base64: bytes.toString('base64') }
    },
    'labs.reviewQueue': (i) => s.labs.views.reviewQueue(i.limit),
    'labs.reviewCount': () => ({ count: s.labs.review.pendingCount() }),
    'labs.attach': (i, ctx) => (s.labs.review.attach(who(ctx), i.reportId, i.patientId, i.orderId ?? null, i.reason), { ok: true as const }),
    'labs.detach': (i, ctx) => (s.labs.review.detach(who(ctx), i.reportId, i.reason), { ok: true as const }),
    'labs.reject': (i, ctx) => (s.labs.review.reject(who(ctx), i.reportId, i.reason), { ok: true as const }),

    'imaging.requestCreate': (i, ctx) => s.imaging.requests.create(who(ctx), i),
    'imaging.requestCancel': (i, ctx) => s.imaging.requests.cancel(who(ctx), i.requestId, i.reason),
    'imaging.requests': (i) => s.imaging.requests.forPatient(i.patientId),
    'imaging.studies': (i) => s.imaging.studies.forPatient(i.patientId),
    'imaging.annotations': (i) => s.imaging.annotations.latest(i.instanceId),
    'imaging.annotationHistory': (i) => s.imaging.annotations.history(i.instanceId),
    'imaging.saveAnnotations': (i, ctx) => s.imaging.annotations.save(who(ctx), i.instanceId, i.baseVersion, i.annotations),
    'imaging.reviewQueue': (i) => s.imaging.studies.reviewQueue(i.limit),
    'imaging.reviewCount': () => ({ count: s.imaging.studies.reviewCount() }),
    'imaging.attach': (i, ctx) => (s.imaging.studies.attach(who(ctx), i.studyId, i.patientId, i.requestId ?? null, i.reason), { ok: true as const }),
    'imaging.detach': (i, ctx) => (s.imaging.studies.detach(who(ctx), i.studyId, i.reason), { ok: true as const }),
    'imaging.reject': (i, ctx) => (s.imaging.studies.reject(who(ctx), i.studyId, i.reason), { ok: true as const }),
    'imaging.node': () => {
      const node = s.imaging.node
      if (!node) throw new ApiError('not-found', 'The DICOM node is not running on this workstation (start it with --dicom-port)')
      return node.info()
    },
    'documents.import': (i, ctx) => s.imaging.importDocument(who(ctx), i),

    'integrations.messages': (i, ctx) => s.labs.views.messages(i.direction, i.integrationId, i.limit, i.beforeSeq, who(ctx).role === 'admin'),
    'integrations.reprocess': (i) => s.labs.reprocess(i.messageId),
    'integrations.resubmit': (i) => {
      const row = s.labs.outbound.resubmit(i.messageId)
      // A request to VetOS support waits in the support queue, not the labs'.
      if (row.kind === 'integration_request') {
        s.support.requeued(row.id)
        s.support.outbound.wake(row.integrationId)
      }
      return s.labs.views.outboundEntry(row)
    },

    'notifications.list': (i, ctx) => s.notifications.list(who(ctx).id, i.unreadOnly, i.limit),
    'notifications.markRead': (i, ctx) => (s.notifications.markRead(who(ctx).id, i.ids), { ok: true as const })
  }
}
