/**
 * The missing-pet list at scale, against the real PROVENIQ service on a fresh PostgreSQL database:
 * a first sync of more reports than one commit holds is kept batch by batch, so a restart in the
 * middle resumes where the last kept batch ended instead of starting over; and when the service's
 * list starts over (a rebuilt database: must-refetch), the list kept here goes on alerting until the
 * new one is whole, then loses only what the service no longer has.
 *
 * The workstation's own follower is not started; the test runs MissingPetList on the app's store
 * with a fetch that can hold the next shape request (as a link that stops answering would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIRST_SYNC_ROWS, MissingPetList } from '../../src-main/proveniq/missing-list'
import { makeApp, type TestApp } from '../helpers/app'
import { until } from '../helpers/wait'
import { newMember, startService, type TestMember, type TestService } from '../proveniq/fixture'

const REPORTS = 2 * FIRST_SYNC_ROWS + 2000

let svc: TestService
let clinic: TestMember
let t: TestApp
let integrationId: string

/** A fetch that passes `allow` shape requests, then holds the next ones until released (or aborted). */
function gate(allow: number) {
  const urls: URL[] = []
  let open = allow
  let release: () => void = () => undefined
  let released = new Promise<void>((r) => (release = r))
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (open <= 0) {
      await Promise.race([released, new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))])
    }
    open--
    urls.push(url)
    return fetch(input, init)
  }
  return {
    fetch: fetchFn,
    urls,
    openAll() {
      open = Number.POSITIVE_INFINITY
      release()
      released = Promise.resolve()
    }
  }
}

const count = () => t.app.core.store.sqlite.prepare('SELECT count(*) FROM missing_pets').pluck().get() as number
const has = (id: string) => t.app.core.store.sqlite.prepare('SELECT 1 FROM missing_pets WHERE id = ?').get(id) !== undefined
const follow = (fetchFn: typeof fetch) => {
  const list = new MissingPetList(t.app.core, t.app.services.integrations, { fetch: fetchFn })
  list.start()
  return list
}

beforeAll(async () => {
  svc = await startService(1000)
  const shelter = await newMember(svc.db, 'Big County Shelter', 'shelter')
  clinic = await newMember(svc.db, 'Riverside Veterinary Clinic', 'clinic')
  // As an import would: the versions the trigger would give, the log's head moved past them.
  await svc.db.query('ALTER TABLE missing_reports DISABLE TRIGGER missing_reports_version')
  await svc.db.query(
    `INSERT INTO missing_reports (id, member_id, status, microchip, microchip_raw, species, sex, name, last_seen_area, last_seen_at, owner_name, owner_contact, version)
     SELECT gen_random_uuid()::text, $1, 'active', '98514' || lpad(i::text, 10, '0'), '98514' || lpad(i::text, 10, '0'), 'canine', 'unknown', 'Pet ' || i, 'Seedtown', now() - interval '1 day', 'Seed Owner', 'seed@example.com', i
       FROM generate_series(1, $2::int) AS i`,
    [shelter.id, REPORTS]
  )
  await svc.db.query('ALTER TABLE missing_reports ENABLE TRIGGER missing_reports_version')
  await svc.db.query('UPDATE report_shape SET version = $1 WHERE id = 1', [REPORTS])
  // The app is not started: only the lists this test runs follow the service.
  t = makeApp({ demo: false })
  t.signIn('admin')
  const i = t.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc.url, apiKey: clinic.key } })
  t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports'] })
  integrationId = i.id
}, 60_000)

afterAll(async () => {
  await t?.close()
  await svc?.close()
})

describe('the missing-pet list at scale', () => {
  it('keeps a large first sync batch by batch, and a restart in the middle resumes from the last kept batch', async () => {
    // Enough pages for one kept batch, then the link stops answering (the hub is stopped there).
    const pagesPerBatch = FIRST_SYNC_ROWS / 1000
    const first = gate(pagesPerBatch + 1)
    const one = follow(first.fetch)
    await until(() => count() === FIRST_SYNC_ROWS, 30_000, 'the first kept batch')
    const saved = t.app.core.store.sqlite.prepare('SELECT offset FROM missing_pets_shape WHERE integration_id = ?').pluck().get(integrationId) as string
    expect(saved).toMatch(/^\d+_\d+$/)
    expect(Number(saved.split('_')[0])).toBe(FIRST_SYNC_ROWS)
    one.stop()

    const second = gate(Number.POSITIVE_INFINITY)
    const two = follow(second.fetch)
    try {
      await until(() => count() === REPORTS, 60_000, 'every report')
      // It went on from the kept position: no request started the list over.
      expect(second.urls[0].searchParams.get('offset')).toBe(saved)
      expect(second.urls.filter((u) => u.searchParams.get('offset') === '-1')).toEqual([])
      // (From the start it would take every page again, REPORTS / 1000 of them and one more.)
      expect(second.urls.filter((u) => u.searchParams.get('live') !== 'true').length).toBeLessThan(REPORTS / 1000)
    } finally {
      two.stop()
    }
  })

  it('keeps alerting from the old list while the service starts its list over, then drops only what is gone', async () => {
    const [gone] = await svc.db.query<{ id: string }>('SELECT id FROM missing_reports ORDER BY version LIMIT 1')
    expect(has(gone.id)).toBe(true)
    // The service's database rebuilt: a new log handle, and one report that did not survive.
    await svc.db.query('ALTER TABLE missing_reports DISABLE TRIGGER missing_reports_version')
    await svc.db.query('DELETE FROM missing_reports WHERE id = $1', [gone.id])
    await svc.db.query('ALTER TABLE missing_reports ENABLE TRIGGER missing_reports_version')
    await svc.db.query("UPDATE report_shape SET handle = 'reports-rebuilt' WHERE id = 1")

    // The refetch's first pages pass, then the link stops answering part-way.
    const link = gate(2 + FIRST_SYNC_ROWS / 1000 + 2)
    const list = follow(link.fetch)
    try {
      await until(() => link.urls.some((u) => u.searchParams.get('offset') === '-1'), 30_000, 'the refetch to begin')
      await until(() => link.urls.length >= 2 + FIRST_SYNC_ROWS / 1000 + 2, 30_000, 'a batch of the refetch')
      // Part-way: the old list is whole, the report that is gone still among it.
      expect(count()).toBe(REPORTS)
      expect(has(gone.id)).toBe(true)
      link.openAll()
      await until(() => !has(gone.id), 60_000, 'the refetch to finish')
      expect(count()).toBe(REPORTS - 1)
      expect(t.app.core.store.sqlite.prepare('SELECT handle FROM missing_pets_shape WHERE integration_id = ?').pluck().get(integrationId)).toBe('reports-rebuilt')
    } finally {
      list.stop()
    }
  })
})
