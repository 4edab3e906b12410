import { sqliteTable, text, integer, real, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { BILLING_CATEGORIES, LEDGER_ACCOUNTS, PAYMENT_METHODS, SPECIES } from '../../src-preload/contract'

/**
 * Workstation store. Every synced table carries the columns the sync design needs
 * (docs/decisions.md): a UUIDv7 id, clinic_id, created_at (UTC ISO), updated_at (hybrid
 * logical clock string), deleted_at (tombstone) and server_version (set by the central server).
 * Append-only tables (weights, alerts, clinical notes, audit) get triggers in drizzle/ that
 * refuse UPDATE and DELETE.
 */
const synced = {
  id: text('id').primaryKey(),
  clinicId: text('clinic_id').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  deletedAt: text('deleted_at'),
  serverVersion: integer('server_version')
}

export const clinics = sqliteTable('clinics', {
  ...synced,
  name: text('name').notNull(),
  phone: text('phone'),
  email: text('email'),
  address: text('address'),
  timezone: text('timezone').notNull(),
  currency: text('currency').notNull(),
  /** how the clinic types and reads weights; stored weights are always grams */
  weightUnit: text('weight_unit', { enum: ['kg', 'lb'] }).notNull().default('kg')
})

export const staff = sqliteTable(
  'staff',
  {
    ...synced,
    displayName: text('display_name').notNull(),
    username: text('username').notNull(),
    role: text('role', { enum: ['veterinarian', 'technician', 'front_desk', 'admin'] }).notNull(),
    pinHash: text('pin_hash').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    licenseNumber: text('license_number')
  },
  (t) => [uniqueIndex('staff_username_idx').on(t.clinicId, t.username)]
)

export const clients = sqliteTable(
  'clients',
  {
    ...synced,
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    firstNameNorm: text('first_name_norm').notNull(),
    lastNameNorm: text('last_name_norm').notNull(),
    address: text('address'),
    notes: text('notes')
  },
  (t) => [
    // id is in both name indexes so "owner named Smi…" sets are built from the index alone.
    index('clients_last_name_idx').on(t.lastNameNorm, t.firstNameNorm, t.id).where(sql`deleted_at IS NULL`),
    index('clients_first_name_idx').on(t.firstNameNorm, t.lastNameNorm, t.id).where(sql`deleted_at IS NULL`)
  ]
)

export const clientContacts = sqliteTable(
  'client_contacts',
  {
    ...synced,
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind', { enum: ['phone', 'email'] }).notNull(),
    label: text('label').notNull(),
    value: text('value').notNull(),
    /** phone: its digits reversed, so a suffix search is an index range scan; email: lowercased. */
    searchKey: text('search_key').notNull(),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull()
  },
  (t) => [
    index('client_contacts_client_idx').on(t.clientId),
    index('client_contacts_search_idx').on(t.kind, t.searchKey).where(sql`deleted_at IS NULL`)
  ]
)

export const patients = sqliteTable(
  'patients',
  {
    ...synced,
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id),
    name: text('name').notNull(),
    nameNorm: text('name_norm').notNull(),
    species: text('species', { enum: SPECIES }).notNull(),
    breed: text('breed'),
    sex: text('sex', { enum: ['male', 'female', 'unknown'] }).notNull(),
    neuterStatus: text('neuter_status', { enum: ['intact', 'neutered', 'unknown'] }).notNull(),
    dateOfBirth: text('date_of_birth'),
    dobEstimated: integer('dob_estimated', { mode: 'boolean' }).notNull(),
    color: text('color'),
    microchip: text('microchip'),
    microchipNorm: text('microchip_norm'),
    microchipType: text('microchip_type'),
    deceasedAt: text('deceased_at')
  },
  (t) => [
    index('patients_client_idx').on(t.clientId),
    // client_id in the name index lets "Bella, owner Smi…" filter without reading each patient row.
    index('patients_name_idx').on(t.nameNorm, t.clientId).where(sql`deleted_at IS NULL`),
    index('patients_microchip_idx').on(t.microchipNorm).where(sql`deleted_at IS NULL AND microchip_norm IS NOT NULL`)
  ]
)

/** Append-only: a mistaken weight is corrected by a new entry that names it in corrects_id. */
export const patientWeights = sqliteTable(
  'patient_weights',
  {
    ...synced,
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    weightGrams: integer('weight_grams').notNull(),
    measuredAt: text('measured_at').notNull(),
    recordedBy: text('recorded_by').notNull(),
    correctsId: text('corrects_id')
  },
  (t) => [index('patient_weights_patient_idx').on(t.patientId, t.measuredAt)]
)

/** Safety-critical, append-only: an alert is resolved by a second entry pointing at it. */
export const patientAlerts = sqliteTable(
  'patient_alerts',
  {
    ...synced,
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    kind: text('kind', { enum: ['allergy', 'behavior', 'medical', 'other'] }).notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    text: text('text').notNull(),
    resolvesId: text('resolves_id'),
    recordedBy: text('recorded_by').notNull()
  },
  (t) => [index('patient_alerts_patient_idx').on(t.patientId)]
)

export const visits = sqliteTable(
  'visits',
  {
    ...synced,
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    veterinarianId: text('veterinarian_id').references(() => staff.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['booked', 'checked_in', 'in_progress', 'completed', 'cancelled'] }).notNull(),
    scheduledAt: text('scheduled_at'),
    startedAt: text('started_at'),
    endedAt: text('ended_at')
  },
  (t) => [index('visits_patient_idx').on(t.patientId, t.createdAt), index('visits_vet_idx').on(t.veterinarianId, t.status)]
)

/** Append-only: an amendment is a new row naming the note it replaces in amends_id. */
export const clinicalNotes = sqliteTable(
  'clinical_notes',
  {
    ...synced,
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    visitId: text('visit_id').references(() => visits.id),
    authorId: text('author_id').notNull(),
    kind: text('kind', { enum: ['soap', 'progress', 'phone', 'other'] }).notNull(),
    subjective: text('subjective'),
    objective: text('objective'),
    assessment: text('assessment'),
    plan: text('plan'),
    body: text('body'),
    amendsId: text('amends_id')
  },
  (t) => [index('clinical_notes_patient_idx').on(t.patientId, t.createdAt)]
)

export const integrations = sqliteTable('integrations', {
  ...synced,
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  /** Transport settings (JSON): host/port, serial device, AE title; secrets never leave the main process. */
  config: text('config').notNull(),
  approvedBy: text('approved_by'),
  approvedAt: text('approved_at'),
  /** JSON array of data categories this integration may receive; empty until approved. */
  approvedCategories: text('approved_categories').notNull()
})

export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    clinicId: text('clinic_id').notNull(),
    createdAt: text('created_at').notNull(),
    /** null: for everyone on this workstation. */
    recipientId: text('recipient_id'),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: ['info', 'warning', 'critical'] }).notNull(),
    title: text('title').notNull(),
    body: text('body'),
    patientId: text('patient_id'),
    /** for a notification to one person; one for everyone is read per person (notification_reads) */
    readAt: text('read_at'),
    /** the app's route it opens (a patient's tab at one order or study, a review item); null: the patient, if any */
    link: text('link'),
    /** what it is about and which state (one order's final results): said once, also when the lab sends the same message again */
    dedupeKey: text('dedupe_key')
  },
  (t) => [index('notifications_recipient_idx').on(t.recipientId, t.createdAt), uniqueIndex('notifications_dedupe_idx').on(t.dedupeKey)]
)

/** Who has read a notification meant for everyone: one reading it does not read it for the others. */
export const notificationReads = sqliteTable(
  'notification_reads',
  {
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id),
    staffId: text('staff_id').notNull(),
    readAt: text('read_at').notNull()
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.staffId] })]
)

/**
 * Hash-chained, append-only. seq gives the chain order; prev_hash is the previous entry's
 * hash; hash covers every other column. Each workstation keeps its own chain.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull().unique(),
    clinicId: text('clinic_id').notNull(),
    deviceId: text('device_id').notNull(),
    occurredAt: text('occurred_at').notNull(),
    recordedAt: text('recorded_at').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound', 'internal'] }).notNull(),
    integrationId: text('integration_id'),
    patientId: text('patient_id'),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    outcome: text('outcome', { enum: ['ok', 'refused', 'error'] }).notNull(),
    summary: text('summary').notNull(),
    details: text('details'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull()
  },
  (t) => [
    // Partial: the Audit screen filters by a given patient, integration or person, never by their
    // absence, and most entries lack one of them (messages have no person, internal acts no integration).
    index('audit_patient_idx').on(t.patientId, t.seq).where(sql`${t.patientId} IS NOT NULL`),
    index('audit_integration_idx').on(t.integrationId, t.seq).where(sql`${t.integrationId} IS NOT NULL`),
    index('audit_actor_idx').on(t.actorId, t.seq).where(sql`${t.actorId} IS NOT NULL`),
    index('audit_time_idx').on(t.occurredAt)
  ]
)

/**
 * Synced writes waiting to be pushed, in commit order: one row per transaction (a mutation the
 * server applies as one unit), listing each row it wrote (docs/decisions.md, "Sync outbox").
 */
export const outbox = sqliteTable(
  'outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    mutationId: text('mutation_id').notNull().unique(),
    /** JSON [[table, rowId, op, hlc, fields]]; an insert's fields are null: the row itself, read when pushed */
    changes: text('changes').notNull(),
    /** the newest clock value among the changes */
    hlc: text('hlc').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'acked', 'rejected'] }).notNull(),
    serverVersion: integer('server_version'),
    error: text('error'),
    /** the signed-in person whose action wrote it; null for the workstation's own work (results received, queues) */
    actorId: text('actor_id')
  },
  // Sync forgets accepted mutations once their versions have come back, oldest versions first.
  (t) => [index('outbox_answered_idx').on(t.status, t.serverVersion)]
)

/**
 * Each row an outbox mutation wrote, kept by triggers on outbox (migration 0015): sync asks "does
 * a waiting change touch this row?" for every row that arrives, which must not parse the outbox.
 */
export const outboxRows = sqliteTable(
  'outbox_rows',
  {
    seq: integer('seq').notNull(),
    table: text('tbl').notNull(),
    rowId: text('row_id').notNull()
  },
  (t) => [primaryKey({ columns: [t.seq, t.table, t.rowId] }), index('outbox_rows_row_idx').on(t.table, t.rowId)]
)

/** Where each synced table's shape stream stands: resumed from here after a restart. */
export const syncShapes = sqliteTable('sync_shapes', {
  table: text('tbl').primaryKey(),
  handle: text('handle').notNull(),
  offset: text('offset').notNull(),
  /** the highest server version applied from this shape */
  version: integer('version').notNull(),
  /** false while a first sync is still arriving page by page: the table is not whole yet */
  ready: integer('ready', { mode: 'boolean' }).notNull().default(true)
})

/** Rows from the server held back while this workstation's own change to the same row waits for its answer. */
export const syncDeferred = sqliteTable(
  'sync_deferred',
  {
    table: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    serverVersion: integer('server_version').notNull(),
    /** the row as the server sent it (JSON, SQL column names, Postgres text values) */
    row: text('row').notNull()
  },
  (t) => [primaryKey({ columns: [t.table, t.rowId] })]
)

/** This workstation: its device id, its clinic, and the last clock value it issued. */
export const deviceMeta = sqliteTable('device_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

/**
 * Integration secrets (a payment service's API key) entered on this workstation, sealed by
 * security/secrets.ts (the OS keychain where there is one). Not synced: the synced integration
 * record holds only the key's last four characters, so the key never leaves this workstation.
 */
export const workstationSecrets = sqliteTable(
  'workstation_secrets',
  {
    integrationId: text('integration_id').notNull(),
    field: text('field').notNull(),
    sealed: text('sealed').notNull(),
    updatedAt: text('updated_at').notNull()
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.field] })]
)

// ---------------------------------------------------------------- labs

/** An order for tests at a lab or analyzer. status moves forward only (see labs/lifecycle.ts). */
export const labOrders = sqliteTable(
  'lab_orders',
  {
    ...synced,
    /** our placer order number, sent in ORC-2/OBR-2 (HL7) or O-3 (ASTM) */
    orderNumber: text('order_number').notNull(),
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    visitId: text('visit_id').references(() => visits.id),
    integrationId: text('integration_id')
      .notNull()
      .references(() => integrations.id),
    /** JSON [{code, name}] as in the lab's catalog */
    tests: text('tests').notNull(),
    specimen: text('specimen'),
    priority: text('priority', { enum: ['routine', 'stat'] }).notNull(),
    note: text('note'),
    orderedBy: text('ordered_by').notNull(),
    status: text('status').notNull(),
    statusDetail: text('status_detail'),
    fillerNumber: text('filler_number')
  },
  (t) => [uniqueIndex('lab_orders_number_idx').on(t.orderNumber), index('lab_orders_patient_idx').on(t.patientId, t.createdAt), index('lab_orders_filler_idx').on(t.fillerNumber)]
)

/** Append-only: the order's timeline. */
export const labOrderEvents = sqliteTable(
  'lab_order_events',
  {
    ...synced,
    orderId: text('order_id')
      .notNull()
      .references(() => labOrders.id),
    status: text('status').notNull(),
    detail: text('detail'),
    actorName: text('actor_name'),
    occurredAt: text('occurred_at').notNull()
  },
  (t) => [index('lab_order_events_order_idx').on(t.orderId)]
)

/**
 * Every message received, raw, committed before it is acknowledged. Workstation-local (not synced):
 * it is the evidence of what arrived here. dedupe_key finds a resent message.
 */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    integrationId: text('integration_id'),
    transport: text('transport').notNull(),
    peer: text('peer').notNull(),
    receivedAt: text('received_at').notNull(),
    raw: blob('raw', { mode: 'buffer' }).notNull(),
    dedupeKey: text('dedupe_key'),
    messageType: text('message_type'),
    controlId: text('control_id'),
    /**
     * receiving: an ASTM transmission still arriving frame by frame (its raw grows until EOT);
     * captured: from an integration in capture mode, kept to build its profile and never filed
     */
    status: text('status', { enum: ['receiving', 'received', 'processed', 'duplicate', 'rejected', 'error', 'captured'] }).notNull(),
    error: text('error'),
    duplicateOf: text('duplicate_of'),
    processedAt: text('processed_at'),
    summary: text('summary')
  },
  (t) => [index('inbound_dedupe_idx').on(t.integrationId, t.dedupeKey), index('inbound_integration_idx').on(t.integrationId, t.seq)]
)

/** The durable outbound queue: sent in seq order per integration, kept after sending as the log. */
export const outboundMessages = sqliteTable(
  'outbound_messages',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    integrationId: text('integration_id').notNull(),
    orderId: text('order_id'),
    kind: text('kind').notNull(),
    controlId: text('control_id').notNull(),
    payload: blob('payload', { mode: 'buffer' }).notNull(),
    /** every data category the payload carries (JSON), asked of the consent gate again when it is sent */
    categories: text('categories').notNull().default('["patient_identity","lab_orders"]'),
    status: text('status', { enum: ['pending', 'sent', 'acked', 'rejected', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: text('next_attempt_at'),
    lastError: text('last_error'),
    response: blob('response', { mode: 'buffer' }),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
    doneAt: text('done_at')
  },
  (t) => [index('outbound_queue_idx').on(t.integrationId, t.status, t.seq), index('outbound_order_idx').on(t.orderId)]
)

/** Append-only: one result report (an OBR, or an ASTM order block) as the lab sent it. */
export const labReports = sqliteTable(
  'lab_reports',
  {
    ...synced,
    inboundId: text('inbound_id').notNull(),
    integrationId: text('integration_id'),
    orderNumber: text('order_number'),
    fillerNumber: text('filler_number'),
    status: text('status').notNull(),
    /** JSON: every patient identifier the message carried (patientId, petName, ownerLastName, dateOfBirth, sex, species) */
    identifiers: text('identifiers').notNull(),
    observedAt: text('observed_at'),
    title: text('title')
  },
  (t) => [index('lab_reports_order_idx').on(t.orderNumber), index('lab_reports_filler_idx').on(t.fillerNumber)]
)

/** Append-only: one value. A correction is a new row that names the row it supersedes. */
export const labObservations = sqliteTable(
  'lab_observations',
  {
    ...synced,
    reportId: text('report_id')
      .notNull()
      .references(() => labReports.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    subId: text('sub_id'),
    valueType: text('value_type').notNull(),
    valueNum: real('value_num'),
    valueText: text('value_text'),
    units: text('units'),
    refRange: text('ref_range'),
    refLow: real('ref_low'),
    refHigh: real('ref_high'),
    flag: text('flag'),
    status: text('status').notNull(),
    observedAt: text('observed_at'),
    instrument: text('instrument'),
    supersedesId: text('supersedes_id'),
    documentId: text('document_id')
  },
  // Only corrections and finals that replace a value have supersedes_id: a partial index keeps the
  // other values (nearly all) out of it, one B-tree write fewer per value.
  (t) => [index('lab_observations_report_idx').on(t.reportId), index('lab_observations_supersedes_idx').on(t.supersedesId).where(sql`${t.supersedesId} IS NOT NULL`)]
)

/** Append-only: a report attached to a patient (and order), detached (undo) or rejected; the latest row counts. */
export const labReportLinks = sqliteTable(
  'lab_report_links',
  {
    ...synced,
    reportId: text('report_id')
      .notNull()
      .references(() => labReports.id),
    action: text('action', { enum: ['attach', 'detach', 'reject'] }).notNull(),
    patientId: text('patient_id'),
    orderId: text('order_id'),
    automatic: integer('automatic', { mode: 'boolean' }).notNull(),
    reason: text('reason').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name')
  },
  (t) => [index('lab_report_links_report_idx').on(t.reportId), index('lab_report_links_patient_idx').on(t.patientId)]
)

/**
 * Results waiting for a person: kept by triggers (migration 0010) on lab_reports and
 * lab_report_links, so it holds exactly the reports whose latest link is none or a detach, from
 * this workstation or from sync. Finding them from the links scanned every report ever received,
 * and every screen shows the count. Not synced: each workstation derives it.
 */
export const labReviewPending = sqliteTable('lab_review_pending', {
  reportId: text('report_id').primaryKey(),
  /** the report's rowid: the queue's order, oldest first */
  reportSeq: integer('report_seq').notNull()
})

/** Files on the patient record (lab PDFs now; imports later). */
export const documents = sqliteTable(
  'documents',
  {
    ...synced,
    patientId: text('patient_id'),
    visitId: text('visit_id'),
    source: text('source').notNull(),
    title: text('title').notNull(),
    mime: text('mime').notNull(),
    sha256: text('sha256').notNull(),
    /** the file itself where it was made; a workstation that received the row by sync fetches it by sha256 from the clinic server */
    content: blob('content', { mode: 'buffer' }),
    bytes: integer('bytes')
  },
  (t) => [index('documents_patient_idx').on(t.patientId)]
)

/** A vet's imaging request; it is the Modality Worklist item while scheduled. */
export const imagingRequests = sqliteTable(
  'imaging_requests',
  {
    ...synced,
    patientId: text('patient_id')
      .notNull()
      .references(() => patients.id),
    visitId: text('visit_id'),
    accessionNumber: text('accession_number').notNull(),
    studyInstanceUid: text('study_instance_uid').notNull(),
    modality: text('modality').notNull(),
    description: text('description').notNull(),
    scheduledAt: text('scheduled_at').notNull(),
    scheduledStationAet: text('scheduled_station_aet'),
    status: text('status', { enum: ['scheduled', 'completed', 'cancelled'] }).notNull(),
    requestedBy: text('requested_by').notNull(),
    cancelReason: text('cancel_reason')
  },
  (t) => [uniqueIndex('imaging_requests_accession_idx').on(t.accessionNumber), uniqueIndex('imaging_requests_study_uid_idx').on(t.studyInstanceUid), index('imaging_requests_patient_idx').on(t.patientId), index('imaging_requests_scheduled_idx').on(t.status, t.scheduledAt)]
)

/** A study as it arrived: the DICOM identifiers kept as sent; where it belongs is in imaging_study_links. */
export const imagingStudies = sqliteTable(
  'imaging_studies',
  {
    ...synced,
    studyInstanceUid: text('study_instance_uid').notNull(),
    accessionNumber: text('accession_number'),
    /** normalized identifiers (pet, owner, patient id, birth date, sex, species), JSON */
    identifiers: text('identifiers').notNull(),
    patientName: text('patient_name'),
    dicomPatientId: text('dicom_patient_id'),
    studyDate: text('study_date'),
    description: text('description'),
    sourceAet: text('source_aet'),
    integrationId: text('integration_id')
  },
  (t) => [uniqueIndex('imaging_studies_uid_idx').on(t.studyInstanceUid), index('imaging_studies_accession_idx').on(t.accessionNumber)]
)

/** Append-only: a study attached to a patient (and request), detached (undo) or rejected; the latest row counts. */
export const imagingStudyLinks = sqliteTable(
  'imaging_study_links',
  {
    ...synced,
    studyId: text('study_id')
      .notNull()
      .references(() => imagingStudies.id),
    action: text('action', { enum: ['attach', 'detach', 'reject'] }).notNull(),
    patientId: text('patient_id'),
    visitId: text('visit_id'),
    requestId: text('request_id'),
    automatic: integer('automatic', { mode: 'boolean' }).notNull(),
    reason: text('reason').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name')
  },
  (t) => [index('imaging_study_links_study_idx').on(t.studyId), index('imaging_study_links_patient_idx').on(t.patientId)]
)

/** Studies waiting for a person, kept by triggers like lab_review_pending (migration 0010). */
export const imagingReviewPending = sqliteTable('imaging_review_pending', {
  studyId: text('study_id').primaryKey(),
  /** the study's rowid: the queue's order, oldest first */
  studySeq: integer('study_seq').notNull()
})

/** One stored DICOM instance: the file as received, and what the viewer needs to know before opening it. */
export const imagingInstances = sqliteTable(
  'imaging_instances',
  {
    ...synced,
    studyId: text('study_id')
      .notNull()
      .references(() => imagingStudies.id),
    seriesInstanceUid: text('series_instance_uid').notNull(),
    seriesNumber: integer('series_number'),
    seriesDescription: text('series_description'),
    modality: text('modality'),
    sopClassUid: text('sop_class_uid').notNull(),
    sopInstanceUid: text('sop_instance_uid').notNull(),
    instanceNumber: integer('instance_number'),
    transferSyntaxUid: text('transfer_syntax_uid').notNull(),
    /** relative to the data folder */
    file: text('file').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    rows: integer('rows'),
    columns: integer('columns'),
    frames: integer('frames').notNull(),
    /** "row\\column" in mm, as in the file */
    pixelSpacing: text('pixel_spacing'),
    imagerPixelSpacing: text('imager_pixel_spacing'),
    ultrasoundRegions: integer('ultrasound_regions', { mode: 'boolean' }).notNull(),
    associationId: text('association_id')
  },
  (t) => [uniqueIndex('imaging_instances_sop_idx').on(t.sopInstanceUid), index('imaging_instances_study_idx').on(t.studyId)]
)

/** Append-only: each save of an image's annotations is a new version. */
export const imagingAnnotations = sqliteTable(
  'imaging_annotations',
  {
    ...synced,
    instanceId: text('instance_id')
      .notNull()
      .references(() => imagingInstances.id),
    version: integer('version').notNull(),
    annotations: text('annotations').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name')
  },
  (t) => [uniqueIndex('imaging_annotations_version_idx').on(t.instanceId, t.version)]
)

/** The DICOM node's association log (this workstation's, not synced): who connected and what happened. */
export const dicomAssociations = sqliteTable(
  'dicom_associations',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    callingAet: text('calling_aet').notNull(),
    calledAet: text('called_aet').notNull(),
    peer: text('peer').notNull(),
    integrationId: text('integration_id'),
    startedAt: text('started_at').notNull(),
    endedAt: text('ended_at'),
    outcome: text('outcome', { enum: ['open', 'released', 'aborted', 'rejected'] }).notNull(),
    stored: integer('stored').notNull(),
    failed: integer('failed').notNull(),
    queries: integer('queries').notNull(),
    bytes: integer('bytes').notNull(),
    detail: text('detail')
  }
)

// ---------------------------------------------------------------- billing (money in integer minor units of the clinic's currency)

export const priceItems = sqliteTable(
  'price_items',
  {
    ...synced,
    /** the clinic's code; a lab test's or imaging request's code prices it */
    code: text('code').notNull(),
    name: text('name').notNull(),
    category: text('category', { enum: BILLING_CATEGORIES }).notNull(),
    unitPriceMinor: integer('unit_price_minor').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull()
  },
  (t) => [index('price_items_code_idx').on(t.code)]
)

/** Sales tax per line category, in basis points (825 = 8.25 %). */
export const taxRates = sqliteTable(
  'tax_rates',
  {
    ...synced,
    category: text('category', { enum: BILLING_CATEGORIES }).notNull(),
    rateBp: integer('rate_bp').notNull()
  },
  (t) => [index('tax_rates_category_idx').on(t.category)]
)

/**
 * Estimates, invoices and credit notes. An invoice is a draft until finalized (number assigned,
 * lines frozen, posted to the ledger); afterwards only void or written off. Paid and partly paid
 * are derived from allocations, never stored.
 */
export const invoices = sqliteTable(
  'invoices',
  {
    ...synced,
    kind: text('kind', { enum: ['estimate', 'invoice', 'credit_note'] }).notNull(),
    status: text('status', { enum: ['draft', 'finalized', 'void', 'written_off'] }).notNull(),
    clientId: text('client_id').notNull(),
    patientId: text('patient_id'),
    visitId: text('visit_id'),
    /** assigned at finalization: <year>-<workstation>-<n>, unique without asking the server */
    number: text('number'),
    /** the estimate this invoice came from, or the invoice a credit note corrects */
    relatedId: text('related_id'),
    /** a credit note: the part of its total that reduced what is owed on the invoice it corrects (the rest became the client's credit) */
    appliedMinor: integer('applied_minor'),
    finalizedAt: text('finalized_at'),
    /** frozen at finalization: lines' net, tax and total */
    netMinor: integer('net_minor'),
    taxMinor: integer('tax_minor'),
    totalMinor: integer('total_minor'),
    statusReason: text('status_reason')
  },
  (t) => [index('invoices_client_idx').on(t.clientId, t.createdAt), index('invoices_visit_idx').on(t.visitId), index('invoices_status_idx').on(t.status, t.finalizedAt), index('invoices_related_idx').on(t.relatedId),
    // reports: what was invoiced in a period, from the index alone
    index('invoices_invoiced_idx').on(t.status, t.finalizedAt, t.kind, t.totalMinor)
  ]
)

export const invoiceLines = sqliteTable(
  'invoice_lines',
  {
    ...synced,
    invoiceId: text('invoice_id').notNull(),
    priceItemId: text('price_item_id'),
    /** what put it here: a person, or charge capture from an order */
    source: text('source', { enum: ['manual', 'lab_order', 'imaging_request', 'estimate', 'credit'] }).notNull(),
    /** the order, the estimate's line, or (a credit note's line) the invoice line it credits */
    sourceId: text('source_id'),
    description: text('description').notNull(),
    category: text('category', { enum: BILLING_CATEGORIES }).notNull(),
    /** thousandths: 1500 is one and a half */
    quantityMilli: integer('quantity_milli').notNull(),
    unitPriceMinor: integer('unit_price_minor').notNull(),
    discountMinor: integer('discount_minor').notNull(),
    taxRateBp: integer('tax_rate_bp').notNull()
  },
  (t) => [index('invoice_lines_invoice_idx').on(t.invoiceId), index('invoice_lines_source_idx').on(t.sourceId)]
)

/** Money received from a client (or a card charge on its way): a permanent record; a refund is its own row. */
export const payments = sqliteTable(
  'payments',
  {
    ...synced,
    clientId: text('client_id').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'canceled'] }).notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** cash handed over; the change due is tendered minus amount */
    tenderedMinor: integer('tendered_minor'),
    /** a check number, an external terminal's reference */
    reference: text('reference'),
    /** one per press of the button: a repeat creates nothing */
    idempotencyKey: text('idempotency_key').notNull(),
    receivedAt: text('received_at').notNull(),
    failure: text('failure'),
    /** card: the payments integration, its PaymentIntent, the reader, and the card as the reader read it */
    integrationId: text('integration_id'),
    providerRef: text('provider_ref'),
    readerId: text('reader_id'),
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    /** a deposit: the estimate it was taken against (it waits as credit, applied when that estimate's invoice is finalized) */
    depositFor: text('deposit_for'),
    /** a card payment still pending: the invoices it is to pay (JSON [{invoiceId, amountMinor}]), written as allocations when it succeeds */
    requestedAllocations: text('requested_allocations'),
    /** a card payment: the workstation (device id) that runs its exchange with the payment service, and alone settles it */
    workstationId: text('workstation_id')
  },
  (t) => [uniqueIndex('payments_idempotency_idx').on(t.idempotencyKey), index('payments_client_idx').on(t.clientId, t.receivedAt), index('payments_received_idx').on(t.receivedAt), index('payments_deposit_idx').on(t.depositFor),
    index('payments_provider_idx').on(t.providerRef),
    // reports: money received in a period by method, from the index alone
    index('payments_by_method_idx').on(t.receivedAt, t.status, t.method, t.amountMinor)
  ]
)

/** Which invoices a payment paid (a reversal is a negative allocation). Append-only. */
export const paymentAllocations = sqliteTable(
  'payment_allocations',
  {
    ...synced,
    paymentId: text('payment_id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** a negative allocation: the refund that gave this part of the payment back */
    refundId: text('refund_id')
  },
  (t) => [index('payment_allocations_invoice_idx').on(t.invoiceId), index('payment_allocations_payment_idx').on(t.paymentId)]
)

/**
 * The clinic's books: every money movement is a transaction whose entries sum to zero (debits
 * positive, credits negative, integer minor units). Append-only: a correction is a reversing
 * transaction. Receivables and client credit carry the client (and the invoice) they belong to.
 */
export const ledgerTransactions = sqliteTable(
  'ledger_transactions',
  {
    ...synced,
    kind: text('kind', { enum: ['invoice_finalized', 'invoice_voided', 'invoice_written_off', 'payment', 'payment_reversed', 'refund', 'credit_note'] }).notNull(),
    /** the invoice, payment or refund it records */
    refId: text('ref_id').notNull(),
    occurredAt: text('occurred_at').notNull(),
    memo: text('memo').notNull(),
    actorId: text('actor_id')
  },
  (t) => [index('ledger_transactions_ref_idx').on(t.refId), index('ledger_transactions_time_idx').on(t.occurredAt)]
)

export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    ...synced,
    transactionId: text('transaction_id').notNull(),
    account: text('account', { enum: LEDGER_ACCOUNTS }).notNull(),
    /** debit positive, credit negative */
    amountMinor: integer('amount_minor').notNull(),
    /** revenue and discounts: the line category */
    category: text('category', { enum: BILLING_CATEGORIES }),
    clientId: text('client_id'),
    invoiceId: text('invoice_id'),
    /** its transaction's time, kept on the entry so reports over a period read one index */
    occurredAt: text('occurred_at')
  },
  (t) => [
    index('ledger_entries_tx_idx').on(t.transactionId),
    index('ledger_entries_invoice_idx').on(t.invoiceId),
    index('ledger_entries_client_idx').on(t.clientId, t.account),
    // reports: revenue by period and category, and what is owed per invoice, each from one covering index
    index('ledger_entries_period_idx').on(t.account, t.occurredAt, t.category, t.amountMinor),
    index('ledger_entries_owed_idx').on(t.account, t.invoiceId, t.amountMinor)
  ]
)

/**
 * Money given back on a payment, by the payment's own method (a card refund through the payment
 * service). It draws first on the client's credit, then reopens what the payment paid on invoices
 * (negative allocations). Posted to the ledger only when it succeeded.
 */
export const refunds = sqliteTable(
  'refunds',
  {
    ...synced,
    paymentId: text('payment_id').notNull(),
    clientId: text('client_id').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** how much of it came out of the client's credit; the rest reopened invoices */
    fromCreditMinor: integer('from_credit_minor').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    reason: text('reason').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** the payment service's refund id */
    providerRef: text('provider_ref'),
    requestedAt: text('requested_at').notNull(),
    settledAt: text('settled_at'),
    failure: text('failure'),
    /** the workstation that sends it to the payment service, and alone settles it */
    workstationId: text('workstation_id')
  },
  (t) => [uniqueIndex('refunds_idempotency_idx').on(t.idempotencyKey), index('refunds_payment_idx').on(t.paymentId), index('refunds_requested_idx').on(t.requestedAt)]
)

/** A schedule for paying an invoice in installments; payments on the invoice fill installments in due order. */
export const paymentPlans = sqliteTable(
  'payment_plans',
  {
    ...synced,
    invoiceId: text('invoice_id').notNull(),
    clientId: text('client_id').notNull(),
    status: text('status', { enum: ['active', 'canceled'] }).notNull(),
    /** what the invoice had paid when the plan began: installments count payments beyond it */
    paidBeforeMinor: integer('paid_before_minor').notNull(),
    note: text('note')
  },
  (t) => [index('payment_plans_invoice_idx').on(t.invoiceId), index('payment_plans_client_idx').on(t.clientId)]
)

export const planInstallments = sqliteTable(
  'plan_installments',
  {
    ...synced,
    planId: text('plan_id').notNull(),
    seq: integer('seq').notNull(),
    /** YYYY-MM-DD */
    dueDate: text('due_date').notNull(),
    amountMinor: integer('amount_minor').notNull()
  },
  (t) => [index('plan_installments_plan_idx').on(t.planId, t.seq), index('plan_installments_due_idx').on(t.dueDate)]
)

/**
 * Running sums of the ledger kept by triggers on ledger_entries (drizzle/0019), so the Financial
 * Reports read a few rows per day instead of every entry. Derived and local (rebuilt from the
 * entries, which are the record; ledger:verify checks they agree): entries that arrive by sync
 * are summed here as they are inserted.
 */
export const ledgerDaily = sqliteTable(
  'ledger_daily',
  {
    /** YYYY-MM-DD (UTC) of the entries' transaction */
    day: text('day').notNull(),
    account: text('account').notNull(),
    /** '' when the entries carry none */
    category: text('category').notNull(),
    amountMinor: integer('amount_minor').notNull()
  },
  (t) => [primaryKey({ columns: [t.account, t.day, t.category] })]
)

/** What is owed on each invoice (the sum of its receivable entries), kept by the same triggers. */
export const invoiceOwed = sqliteTable('invoice_owed', {
  invoiceId: text('invoice_id').primaryKey(),
  owedMinor: integer('owed_minor').notNull()
})

// ---------------------------------------------------------------- PROVENIQ

/**
 * PetMayday's active missing-pet list (its public fields), followed from the service's shape by
 * proveniq/missing-list.ts. Local, not synced: every workstation follows the list itself, so the
 * check-in alert works while the service (or the internet) is down.
 */
export const missingPets = sqliteTable(
  'missing_pets',
  {
    id: text('id').primaryKey(),
    /** normalised (ISO: 15 digits); null when the pet has no known chip */
    microchipNorm: text('microchip_norm'),
    microchip: text('microchip'),
    species: text('species').notNull(),
    breed: text('breed'),
    colour: text('colour'),
    sex: text('sex').notNull(),
    name: text('name'),
    /** the name as patient search normalises it (normalizeName), so a possible match is an index lookup */
    nameNorm: text('name_norm'),
    lastSeenArea: text('last_seen_area').notNull(),
    /** the area normalised the same way, compared with the owner's normalised address in SQL */
    areaNorm: text('area_norm'),
    lastSeenAt: text('last_seen_at').notNull(),
    filedByName: text('filed_by_name').notNull(),
    filedByKind: text('filed_by_kind').notNull(),
    updatedAt: text('updated_at').notNull()
  },
  (t) => [index('missing_pets_chip_idx').on(t.microchipNorm), index('missing_pets_name_idx').on(t.species, t.nameNorm)]
)

/** Where the list's shape stood (one row per integration), so a restart resumes instead of reading it all again. */
export const missingPetsShape = sqliteTable('missing_pets_shape', {
  integrationId: text('integration_id').primaryKey(),
  handle: text('handle').notNull(),
  offset: text('offset').notNull()
})

/** A patient found to match a report, once per kind: each match notifies once. Local like the list. */
export const missingPetMatches = sqliteTable(
  'missing_pet_matches',
  {
    patientId: text('patient_id').notNull(),
    reportId: text('report_id').notNull(),
    kind: text('kind', { enum: ['exact', 'possible'] }).notNull(),
    /** '' when the match was found (record or report changed); the visit's id when that visit was checked in */
    occasion: text('occasion').notNull().default(''),
    notifiedAt: text('notified_at').notNull()
  },
  (t) => [primaryKey({ columns: [t.patientId, t.reportId, t.kind, t.occasion] })]
)

/**
 * PetLifeLog, per patient: the clinic's opt-out (its decision, so on every workstation) and the
 * registration it made with the service (chip, owner and contact as last confirmed), so every
 * workstation shows it. The row's id is the patient's id: two workstations deciding for the same
 * patient write the same row, merged field by field. device_id names the workstation that keeps
 * the registration current (sends its updates and transfers from its outbox).
 */
/**
 * The clinic's decision that a patient is not shared with PetLifeLog, synced so every workstation
 * honours it. Its own table, written only by that decision: a registration inserted concurrently
 * elsewhere (petlifelog_patients) merges field by field and must never carry an opt-out value.
 */
export const petlifelogOptOuts = sqliteTable('petlifelog_opt_outs', {
  ...synced,
  optOut: integer('opt_out', { mode: 'boolean' }).notNull()
})

export const petlifelogPatients = sqliteTable('petlifelog_patients', {
  ...synced,
  /** the owner allows finders to see the contact (as registered) */
  shareContact: integer('share_contact', { mode: 'boolean' }).notNull(),
  /** normalised chip the service confirmed; null before the first confirmation */
  chip: text('chip'),
  ownerClientId: text('owner_client_id'),
  ownerName: text('owner_name'),
  ownerPhone: text('owner_phone'),
  ownerEmail: text('owner_email'),
  /** when the clinic asked for the registration (and who keeps it current) */
  requestedAt: text('requested_at'),
  deviceId: text('device_id'),
  registeredAt: text('registered_at'),
  confirmedAt: text('confirmed_at')
})

/**
 * PetLifeLog's outbox: registrations, updates and transfers waiting for the service, sent in order
 * by proveniq/petlifelog.ts. Local, not synced: the workstation that queued a send sends it (a
 * restart resumes it). Consent is checked again as each one leaves; a refusal is kept as failed.
 */
export const petlifelogOutbox = sqliteTable(
  'petlifelog_outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    patientId: text('patient_id').notNull(),
    action: text('action', { enum: ['register', 'update', 'transfer'] }).notNull(),
    chip: text('chip').notNull(),
    /** the request's JSON body */
    body: text('body').notNull(),
    /** the owner client it registers to (transfers and registrations) */
    ownerClientId: text('owner_client_id'),
    summary: text('summary').notNull(),
    state: text('state', { enum: ['pending', 'failed', 'sent', 'dropped'] }).notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    queuedAt: text('queued_at').notNull(),
    nextAttemptAt: text('next_attempt_at'),
    doneAt: text('done_at'),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull()
  },
  (t) => [uniqueIndex('petlifelog_outbox_id_idx').on(t.id), index('petlifelog_outbox_state_idx').on(t.state, t.patientId)]
)

/**
 * Workstation-local: a request to VetOS support for a new integration, as the administrator sent
 * it. The payload is the exact bytes that were reviewed and queued (its hash was shown); the
 * status follows its outbound message: queued, sent (with the desk's ticket), refused by the
 * consent gate, or failed (the desk refused it).
 */
export const integrationRequests = sqliteTable(
  'integration_requests',
  {
    id: text('id').primaryKey(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedByName: text('requested_by_name').notNull(),
    system: text('system').notNull(),
    vendor: text('vendor').notNull(),
    model: text('model').notNull(),
    wiring: text('wiring').notNull(),
    wiringDetail: text('wiring_detail'),
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    notes: text('notes'),
    /** the captured inbound messages attached (JSON array of ids) */
    sampleIds: text('sample_ids').notNull(),
    identityRemoved: integer('identity_removed', { mode: 'boolean' }).notNull(),
    /** the data categories the payload carries (JSON) */
    categories: text('categories').notNull(),
    payload: blob('payload', { mode: 'buffer' }).notNull(),
    payloadHash: text('payload_hash').notNull(),
    integrationId: text('integration_id').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'refused', 'failed'] }).notNull(),
    ticket: text('ticket'),
    outboundId: text('outbound_id'),
    lastError: text('last_error'),
    sentAt: text('sent_at')
  },
  (t) => [index('integration_requests_outbound_idx').on(t.outboundId)]
)
