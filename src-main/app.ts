import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { openDatabase, findMigrationsDir } from './db/open'
import { Store } from './db/store'
import { clinics, deviceMeta, staff } from './db/schema'
import { AuditLog } from './audit/chain'
import { AuditQuery } from './audit/query'
import { RefusalLog } from './integrations/refusals'
import { SyncClient } from './sync/client'
import { EventBus } from './events'
import { newId } from './core/ids'
import { lockDataDir } from './core/data-dir'
import { StaffService, hashPin } from './domain/staff'
import { Sessions } from './domain/sessions'
import { ClientsService } from './domain/clients'
import { PatientsService } from './domain/patients'
import { PatientSearch } from './domain/search'
import { VisitsService } from './domain/visits'
import { NotesService } from './domain/notes'
import { NotificationsService } from './domain/notifications'
import { ClinicService } from './domain/clinic'
import { IntegrationRegistry } from './integrations/registry'
import { ConsentGate } from './consent/gate'
import { SYSTEM_ACTOR } from './domain/actor'
import { createHandlers } from './api/handlers'
import { createDispatcher, type Dispatcher } from './api/dispatch'
import type { Core } from './domain/core'
import { generateDemoClinic } from './demo/generate'
import { createLabs, type Labs, type LabsConfig } from './labs'
import { MediaRoutes } from './media/routes'
import { DocumentFiles } from './media/documents'
import { createBilling, type Billing, type BillingConfig } from './billing'
import { createImaging, type Imaging, type ImagingConfig } from './imaging'
import { chooseSealer, type OsKeychain } from './security/secrets'
import { MissingPetList } from './proveniq/missing-list'
import { MissingPetAlerts } from './proveniq/alerts'
import { ProveniqClient } from './proveniq/client'
import { PetLifeLog } from './proveniq/petlifelog'
import { ChipScanners } from './scanners'
import { findShippedCatalog, readCatalog } from './integrations/catalog'
import { IntegrationHealthMonitor } from './integrations/health'
import { CaptureLog } from './integrations/capture'
import { InboundArchive } from './integrations/inbound'
import type { IntegrationCatalog } from '../src-preload/contract'
import { PetMayday } from './proveniq/petmayday'
import { createToday, type TodayService } from './domain/today'
import { SupportRequests, type SupportOptions } from './support/requests'

/** What createApp needs to join a clinic on a new data folder (first-run.ts enrolls it). */
export interface JoinConfig {
  deviceId: string
  clinicId: string
  syncUrl: string
  token: string
}

export interface AppConfig {
  dataDir: string
  host: 'electron' | 'hub'
  /** fill an empty database with the demo clinic */
  demo?: boolean
  version?: string
  migrationsDir?: string
  log?: (line: string) => void
  /** listeners for lab results; none in unit tests */
  labs?: LabsConfig
  /** the DICOM node; none in unit tests */
  imaging?: ImagingConfig
  /**
   * A new data folder joining an existing clinic (the hub enrolled it with the central server):
   * it takes the clinic's id instead of founding a clinic; staff and everything else arrive by sync.
   */
  join?: JoinConfig
  /** the central server's address, replacing the one kept from enrollment (it moved) */
  syncUrl?: string
  /** tests: the fetch sync uses */
  syncFetch?: typeof fetch
  /** card payments: the payment service's client and its timings (tests) */
  billing?: BillingConfig
  /** Electron's safeStorage: integration secrets are sealed with the OS keychain where it has one */
  keychain?: OsKeychain | null
  /** PetLifeLog's outbox: the pauses between attempts while the service cannot be reached (tests shorten them) */
  petlifelog?: { retry?: { firstMs: number; maxMs: number } }
  /** requests to VetOS support (tests: the fetch it uses) */
  support?: SupportOptions
}

export interface Services {
  info: { version: string; deviceId: string; demo: boolean; host: 'electron' | 'hub' }
  clinic: ClinicService
  staff: StaffService
  sessions: Sessions
  clients: ClientsService
  patients: PatientsService
  search: PatientSearch
  visits: VisitsService
  notes: NotesService
  notifications: NotificationsService
  integrations: IntegrationRegistry
  /** what could connect: the shipped catalog and the clinic's own entries, read as they are now */
  catalog: () => IntegrationCatalog
  /** whether each integration works, and one notification when one starts failing */
  health: IntegrationHealthMonitor
  /** capture mode: what a device nobody has profiled sent, field by field */
  captures: CaptureLog
  gate: ConsentGate
  audit: AuditLog
  auditQuery: AuditQuery
  labs: Labs
  imaging: Imaging
  /** documents' bytes, here or from the clinic server */
  documentFiles: DocumentFiles
  billing: Billing
  /** sync with the clinic's central server; null on a workstation that has not joined one */
  sync: SyncClient | null
  /** PetMayday: the active missing-pet list kept here, and the alert when a patient matches it */
  missingList: MissingPetList
  missingAlerts: MissingPetAlerts
  /** PetLifeLog: chip lookups, and this clinic's registrations kept current from an outbox */
  petlifelog: PetLifeLog
  /** PetMayday from the desk: reports near the clinic, filing for an owner, own reports, "seen here" */
  petmayday: PetMayday
  /** every data exchange with the PROVENIQ service, through the consent gate */
  proveniq: ProveniqClient
  /** microchip scanners: what a scan names, and this workstation's serial scanner */
  scanners: ChipScanners
  /** the home screen's overview of the clinic's day */
  today: TodayService
  /** requests for a new integration, to VetOS support through the consent gate */
  support: SupportRequests
}

export interface App {
  services: Services
  dispatch: Dispatcher
  events: EventBus
  core: Core
  /** files for the renderer (PDFs, images) under /media, for both hosts */
  media: MediaRoutes
  /** printed once on a brand-new non-demo database */
  firstRunAdminPin: string | null
  /** starts listeners and outbound links (the hosts call it; unit tests need not) */
  start(): Promise<void>
  close(): Promise<void>
}

/** The composition root: both hosts (Electron and the headless hub) build the app here. */
export function createApp(config: AppConfig): App {
  const log = config.log ?? ((line: string) => console.log(line))
  const unlock = lockDataDir(config.dataDir)
  try {
    const { sqlite, db } = openDatabase(join(config.dataDir, 'vetos.db'), config.migrationsDir ?? findMigrationsDir())
    const meta = (key: string) => db.select().from(deviceMeta).where(eq(deviceMeta.key, key)).get()?.value
    const setMeta = (key: string, value: string) => db.insert(deviceMeta).values({ key, value }).onConflictDoNothing().run()

    const joining = !meta('clinic_id') ? config.join : undefined
    if (joining) {
      setMeta('device_id', joining.deviceId)
      setMeta('clinic_id', joining.clinicId)
      setMeta('sync_url', joining.syncUrl)
      setMeta('sync_token', joining.token)
    }
    if (config.syncUrl && meta('sync_token')) db.insert(deviceMeta).values({ key: 'sync_url', value: config.syncUrl }).onConflictDoUpdate({ target: deviceMeta.key, set: { value: config.syncUrl } }).run()
    let deviceId = meta('device_id')
    if (!deviceId) setMeta('device_id', (deviceId = newId()))
    let clinicId = meta('clinic_id')
    const fresh = !clinicId && !joining
    if (!clinicId) setMeta('clinic_id', (clinicId = newId()))

    const store = new Store(sqlite, db, deviceId, clinicId)
    const audit = new AuditLog(sqlite, clinicId, deviceId)
    const events = new EventBus()
    const core: Core = { store, audit, events, refusals: new RefusalLog(audit) }
    audit.onAppend((row) => {
      // Whoever an entry names did the transaction it is written in: its synced rows are theirs.
      if (row.actor_id && row.actor_id !== SYSTEM_ACTOR.id) store.attribute(row.actor_id)
      events.emit('changed', { entity: 'audit', id: row.id, patientId: row.patient_id })
    })

    const clinic = new ClinicService(core)
    const staffSvc = new StaffService(core)
    const notifications = new NotificationsService(core)
    const clients = new ClientsService(core)
    const patients = new PatientsService(core, clients)
    const integrations = new IntegrationRegistry(core, chooseSealer(config.dataDir, config.keychain))
    const gate = new ConsentGate(core, integrations, notifications)
    const captures = new CaptureLog(core, new InboundArchive(core), integrations)
    const sessions = new Sessions(core, staffSvc)
    const media = new MediaRoutes((t) => sessions.resolve(t))
    const billing = createBilling(core, integrations, gate, config.billing)
    const imaging = createImaging(core, config.dataDir, integrations, gate, notifications, captures, media, !!config.demo || meta('demo') === '1', config.imaging ?? {}, billing.charges)
    const documentFiles = new DocumentFiles(config.dataDir, imaging.remote)
    const missingAlerts = new MissingPetAlerts(core, notifications)
    const missingList = new MissingPetList(core, integrations, { log, onReports: (ids) => missingAlerts.checkReports(ids) })
    const services: Services = {
      info: { version: config.version ?? '0.1.0', deviceId, demo: false, host: config.host },
      clinic,
      staff: staffSvc,
      sessions,
      clients,
      patients,
      search: new PatientSearch(sqlite),
      visits: new VisitsService(core, patients, notifications),
      notes: new NotesService(core, patients),
      notifications,
      integrations,
      catalog: () => readCatalog({ shipped: findShippedCatalog(), clinic: join(config.dataDir, 'catalog') }),
      health: new IntegrationHealthMonitor(core, integrations, notifications),
      captures,
      gate,
      audit,
      auditQuery: new AuditQuery(sqlite, audit),
      labs: createLabs(core, integrations, gate, notifications, captures, config.labs ?? {}, billing.charges),
      imaging,
      documentFiles,
      billing,
      sync: null,
      // Lazily: it uses the services' one gated PROVENIQ client.
      petmayday: new PetMayday(core, () => services),
      missingList,
      missingAlerts,
      petlifelog: new PetLifeLog(core, patients, clients, integrations, () => services.proveniq, { deviceId, log, retry: config.petlifelog?.retry }),
      proveniq: new ProveniqClient(integrations, gate),
      scanners: new ChipScanners(core, log, missingAlerts),
      today: createToday(core, integrations, billing),
      support: new SupportRequests(core, integrations, gate, captures, () => ({ id: store.clinicId, name: clinic.find()?.name ?? '' }), config.support)
    }

    let firstRunAdminPin: string | null = null
    if (fresh) {
      if (config.demo) {
        generateDemoClinic(services, core)
        setMeta('demo', '1')
      } else firstRunAdminPin = bootstrapClinic(core)
    }
    services.info.demo = meta('demo') === '1'

    // Secrets stay here: the sync token never reaches the renderer.
    const syncUrl = meta('sync_url')
    const syncToken = meta('sync_token')
    const sync = syncUrl && syncToken ? new SyncClient(core, { url: syncUrl, token: syncToken }, { fetch: config.syncFetch, log, onChange: () => events.emit('changed', { entity: 'sync', id: 'status' }) }) : null
    services.sync = sync

    const dispatch = createDispatcher({
      handlers: createHandlers(services),
      resolveSession: (t) => services.sessions.resolve(t),
      alsoCheck: (method, input) => services.patients.issuesFor(method, input),
      onInternalError: (method, e) => log(`internal error in ${method}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    })

    media.register('documents', async (id) => {
      const d = services.labs.documents(id)
      const body = d ? await documentFiles.get(d) : null
      return d && body ? { mime: d.mime, body, filename: d.title } : null
    })

    let syncSub: { unsubscribe(): void } | null = null
    return {
      services,
      dispatch,
      events,
      core,
      media,
      firstRunAdminPin,
      async start() {
        await services.labs.start()
        await services.imaging.start()
        // Card payments left pending by a crash are settled by what the payment service says (after its first answer).
        void services.billing.card.probe()
        missingAlerts.start()
        missingList.start()
        services.petlifelog.start()
        services.scanners.start()
        services.health.start()
        services.support.start()
        if (sync) {
          sync.start()
          // A local commit is pushed at once rather than at the next poll.
          syncSub = events.subscribe(({ event }) => {
            if (event.type === 'changed' && event.payload.entity !== 'sync' && event.payload.entity !== 'audit') sync.nudge()
          })
        }
      },
      async close() {
        syncSub?.unsubscribe()
        services.health.stop()
        services.support.stop()
        missingList.stop()
        await services.petlifelog.stop()
        await services.scanners.stop()
        missingAlerts.stop()
        await services.billing.card.stop()
        await sync?.stop()
        await services.imaging.stop()
        await services.labs.stop()
        core.refusals.stop()
        sqlite.close()
        unlock()
      }
    }
  } catch (e) {
    unlock()
    throw e
  }
}

/** A brand-new workstation: an unnamed clinic and one administrator with a one-time PIN. */
function bootstrapClinic(core: Core): string {
  const { store, audit } = core
  const pin = String(Math.floor(100000 + Math.random() * 900000))
  store.tx(() => {
    store.insert(clinics, { id: store.clinicId, name: 'New clinic', phone: null, email: null, address: null, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', currency: 'USD', weightUnit: 'kg' })
    store.insert(staff, { displayName: 'Administrator', username: 'admin', role: 'admin', pinHash: hashPin(pin), active: true, licenseNumber: null })
    audit.append({ action: 'clinic.created', direction: 'internal', actor: SYSTEM_ACTOR, entityType: 'clinic', entityId: store.clinicId, summary: 'Workstation set up with a new clinic and an administrator' })
  })
  return pin
}
