import { asc } from 'drizzle-orm'
import { integrations, staff } from '../db/schema'
import type { SecretSealer } from '../security/secrets'
import type { DataCategory, Integration, IntegrationConfig, IntegrationKind, IntegrationStatus } from '../../src-preload/contract'
import { ApiError, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'

type Row = typeof integrations.$inferSelect

/** Config fields that are secrets: kept in the main process, shown to the renderer masked. */
const SECRET_FIELDS = ['apiKey'] as const

/** What a kind cannot work without, said per field (the form shows it there). */
function checkConfig(kind: IntegrationKind, config: IntegrationConfig): void {
  if (kind !== 'imaging') return
  const issues: { path: string; message: string }[] = []
  const aet = config.aeTitle ?? ''
  if (!aet) issues.push({ path: 'config.aeTitle', message: "is required: the modality's calling AE title (* for any from its address)" })
  else if (aet.includes('\\')) issues.push({ path: 'config.aeTitle', message: 'may not contain a backslash' })
  if (!config.host && !(config.allowedPeers ?? []).length) issues.push({ path: 'config.host', message: "is required: the modality's address" })
  if (issues.length) throw new ApiError('invalid-input', `A modality needs ${issues.map((i) => i.path.replace('config.', '')).join(' and ')}`, issues)
}

const mask = (v: string) => (v.startsWith('••••') ? v : `••••${v.slice(-4)}`)

export function maskSecrets(config: IntegrationConfig): IntegrationConfig {
  const out = { ...config }
  for (const f of SECRET_FIELDS) {
    const v = out[f]
    if (v) out[f] = mask(v)
  }
  return out
}

/** Settings that decide where data goes; changing any of them withdraws approval. */
const DESTINATION_FIELDS: (keyof IntegrationConfig)[] = ['host', 'port', 'serialPath', 'aeTitle', 'baseUrl', 'accountId', 'apiKey', 'allowedPeers', 'listenPort']

const idle = (enabled: boolean): IntegrationStatus => ({ state: enabled ? 'not_running' : 'disabled', detail: null, since: null, counters: {} })

/**
 * Every integration is a configuration record plus an explicit approval (who, when, which
 * data categories). Connectors report their live status and counters here.
 */
export class IntegrationRegistry {
  private status = new Map<string, IntegrationStatus>()

  constructor(
    private readonly core: Core,
    private readonly sealer: SecretSealer
  ) {
    // An approver's name shows on each approval; integrations and staff also arrive by sync.
    core.events.subscribe(({ event }) => {
      if (event.type !== 'changed') return
      const { entity, id } = event.payload
      if (entity === 'staff' || (entity === 'sync' && (id === 'integrations' || id === 'staff'))) this.forget()
    })
  }

  // The rows, read once and again after any change made here: the results listener routes every message through them.
  private rows: Row[] | null = null

  list(): Integration[] {
    this.rows ??= this.core.store.prepared('integrations.list', (db) => db.select().from(integrations).orderBy(asc(integrations.name))).all().filter((r) => !r.deletedAt)
    return this.rows.map((r) => this.toIntegration(r))
  }

  private forget(): void {
    this.rows = null
    this.parsed.clear()
  }

  /** A change to the stored integrations; what was read is forgotten whether it commits or rolls back. */
  private change<T>(fn: () => T): T {
    this.forget()
    try {
      return this.core.store.tx(fn)
    } finally {
      this.forget()
    }
  }

  get(id: string): Integration {
    return this.toIntegration(this.row(id))
  }

  row(id: string): Row {
    const r = this.core.store.byId(integrations, id)
    if (!r || r.deletedAt) throw notFound('Integration')
    return r
  }

  /**
   * The stored config with the secrets this workstation holds, for connectors in the main process
   * only. A secret entered on another workstation is not here: the field is left out.
   */
  config(id: string): IntegrationConfig {
    const config = JSON.parse(this.row(id).config) as IntegrationConfig
    for (const f of SECRET_FIELDS) {
      delete config[f]
      const sealed = this.core.store.statement('SELECT sealed FROM workstation_secrets WHERE integration_id = ? AND field = ?').pluck().get(id, f) as string | undefined
      const plain = sealed ? this.sealer.open(sealed) : null
      if (plain) config[f] = plain
    }
    return config
  }

  /** Keeps the config's new secrets sealed on this workstation; the synced record gets their masked form. */
  private keepSecretsHere(id: string, config: IntegrationConfig): IntegrationConfig {
    const out = { ...config }
    for (const f of SECRET_FIELDS) {
      const v = out[f]
      if (!v || v.startsWith('••••')) continue
      this.core.store.sqlite
        .prepare('INSERT INTO workstation_secrets (integration_id, field, sealed, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (integration_id, field) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at')
        .run(id, f, this.sealer.seal(v), this.core.store.nowIso())
      out[f] = mask(v)
    }
    return out
  }

  create(actor: Actor, input: { kind: IntegrationKind; name: string; enabled: boolean; config: IntegrationConfig }): Integration {
    const { store, audit, events } = this.core
    checkConfig(input.kind, input.config)
    return this.change(() => {
      const row = store.insert(integrations, { kind: input.kind, name: input.name, enabled: input.enabled, config: '{}', approvedBy: null, approvedAt: null, approvedCategories: '[]' })
      store.update(integrations, row.id, { config: JSON.stringify(this.keepSecretsHere(row.id, input.config)) })
      audit.append({ action: 'integration.created', direction: 'internal', actor, integrationId: row.id, entityType: 'integration', entityId: row.id, summary: `Configured ${input.kind.replace('_', ' ')} "${input.name}" (not approved)`, details: maskSecrets(input.config) })
      events.emit('changed', { entity: 'integration', id: row.id })
      return this.get(row.id)
    })
  }

  update(actor: Actor, input: { id: string; name?: string; enabled?: boolean; config?: IntegrationConfig }): Integration {
    const { store, audit, events } = this.core
    return this.change(() => {
      const current = this.row(input.id)
      const before = this.config(input.id)
      // A masked secret sent back unchanged means "keep the stored one".
      const config = input.config ? { ...input.config, ...keepSecrets(before, input.config) } : before
      checkConfig(current.kind as IntegrationKind, config)
      const record = JSON.parse(current.config) as IntegrationConfig
      // A key typed on a workstation that did not hold it (the second checkout desk, each workstation
      // following PetMayday) is the approved one when it ends as the synced record's does; any other key withdraws.
      const heldElsewhere = (f: keyof IntegrationConfig) => (SECRET_FIELDS as readonly string[]).includes(f) && before[f] === undefined && !!config[f] && !!record[f]
      const destinationChanged = DESTINATION_FIELDS.some((f) => (heldElsewhere(f) ? mask(String(config[f])) !== record[f] : JSON.stringify(before[f]) !== JSON.stringify(config[f])))
      const withdraw = destinationChanged && current.approvedAt !== null
      const stored = this.keepSecretsHere(input.id, config)
      // A secret this workstation does not hold stays as the record had it.
      for (const f of SECRET_FIELDS) if (!config[f]) stored[f] = record[f]
      store.update(integrations, input.id, {
        name: input.name ?? current.name,
        enabled: input.enabled ?? current.enabled,
        config: JSON.stringify(stored),
        ...(withdraw ? { approvedBy: null, approvedAt: null, approvedCategories: '[]' } : {})
      })
      audit.append({
        action: 'integration.updated',
        direction: 'internal',
        actor,
        integrationId: input.id,
        entityType: 'integration',
        entityId: input.id,
        summary: `Changed "${input.name ?? current.name}"${withdraw ? '; its destination changed, so approval was withdrawn' : ''}`,
        details: { before: maskSecrets(before), after: maskSecrets(config), enabled: input.enabled ?? current.enabled }
      })
      events.emit('changed', { entity: 'integration', id: input.id })
      return this.get(input.id)
    })
  }

  approve(actor: Actor, id: string, categories: DataCategory[]): Integration {
    const { store, audit, events } = this.core
    return this.change(() => {
      const current = this.row(id)
      const unique = [...new Set(categories)].sort()
      store.update(integrations, id, { approvedBy: actor.id, approvedAt: store.nowIso(), approvedCategories: JSON.stringify(unique) })
      audit.append({ action: 'integration.approved', direction: 'internal', actor, integrationId: id, entityType: 'integration', entityId: id, summary: `Approved "${current.name}" to receive: ${unique.join(', ')}`, details: { categories: unique } })
      events.emit('changed', { entity: 'integration', id })
      return this.get(id)
    })
  }

  revoke(actor: Actor, id: string, reason: string): Integration {
    const { store, audit, events } = this.core
    return this.change(() => {
      const current = this.row(id)
      if (!current.approvedAt) throw new ApiError('conflict', `"${current.name}" is not approved`)
      store.update(integrations, id, { approvedBy: null, approvedAt: null, approvedCategories: '[]' })
      audit.append({ action: 'integration.revoked', direction: 'internal', actor, integrationId: id, entityType: 'integration', entityId: id, summary: `Withdrew approval of "${current.name}": ${reason}` })
      events.emit('changed', { entity: 'integration', id })
      return this.get(id)
    })
  }

  setStatus(id: string, state: IntegrationStatus['state'], detail: string | null = null): void {
    const prev = this.status.get(id)
    const changed = prev?.state !== state || prev?.detail !== detail
    this.status.set(id, { state, detail, since: changed ? this.core.store.nowIso() : (prev?.since ?? null), counters: prev?.counters ?? {} })
    if (changed) this.core.events.emit('changed', { entity: 'integration', id })
  }

  count(id: string, counter: string, by = 1): void {
    const s = this.status.get(id) ?? idle(true)
    s.counters[counter] = (s.counters[counter] ?? 0) + by
    this.status.set(id, s)
  }

  // Parsed JSON per row version: the results listener lists integrations for every message it routes.
  private parsed = new Map<string, { version: string; config: IntegrationConfig; categories: DataCategory[]; approverName: string | null }>()

  private toIntegration(r: Row): Integration {
    let parsed = this.parsed.get(r.id)
    if (parsed?.version !== r.updatedAt) {
      const approverName = r.approvedBy ? (this.core.store.byId(staff, r.approvedBy)?.displayName ?? null) : null
      parsed = { version: r.updatedAt, config: maskSecrets(JSON.parse(r.config) as IntegrationConfig), categories: JSON.parse(r.approvedCategories) as DataCategory[], approverName }
      this.parsed.set(r.id, parsed)
    }
    const approverName = parsed.approverName
    const live = this.status.get(r.id)
    return {
      id: r.id,
      kind: r.kind as IntegrationKind,
      name: r.name,
      enabled: r.enabled,
      config: parsed.config,
      approval: r.approvedAt && r.approvedBy ? { approvedBy: r.approvedBy, approvedByName: approverName, approvedAt: r.approvedAt, categories: parsed.categories } : null,
      status: r.enabled ? (live ?? idle(true)) : idle(false),
      updatedAt: r.updatedAt
    }
  }
}

function keepSecrets(before: IntegrationConfig, next: IntegrationConfig): Partial<IntegrationConfig> {
  const kept: Partial<IntegrationConfig> = {}
  for (const f of SECRET_FIELDS) if (next[f]?.startsWith('••••')) kept[f] = before[f]
  return kept
}
