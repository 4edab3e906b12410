import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { dicomPortOf } from '../helpers/hub'
import { demoInBrowser, signIn } from '../helpers/browser'

const SHOT = process.env.VETOS_DICOM_SHOT ?? '/tmp/dicom-panel.png'

/**
 * The DICOM node as an administrator sees it on the Integrations screen: its AE title and port,
 * the demo's DR room as a configured modality, and the associations DCMTK's echoscu just made
 * (one released, one refused for calling the wrong AE title), arriving live.
 */
describe('DICOM node on the Integrations screen in Chromium', () => {
  let port = 0
  const echo = (calledAet: string, callingAet: string) => spawnSync('echoscu', ['-aec', calledAet, '-aet', callingAet, '127.0.0.1', String(port)], { encoding: 'utf8' })

  const env = demoInBrowser({ flags: ['--dicom-host', '127.0.0.1', '--dicom-port', '0'] })
  beforeAll(() => {
    port = dicomPortOf(env.hub)
  })

  it('shows the node, the DR room, and a released and a rejected association as they happen', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Alex Morgan/)
    await env.page.getByRole('link', { name: 'Integrations' }).click()
    const panel = env.page.getByTestId('dicom-node')
    await panel.waitFor()
    expect(await panel.getByTestId('dicom-aet').textContent()).toBe('VETOS')
    expect(await panel.getByTestId('dicom-port').textContent()).toBe(String(port))
    expect(await panel.getByTestId('dicom-listening').textContent()).toBe('listening')
    const peer = panel.locator('[data-testid=dicom-peer][data-aet=DRROOM1]')
    expect(await peer.textContent()).toMatch(/Digital X-ray room \(DR\).*DRROOM1.*127\.0\.0\.1.*approved/)

    // The page is open while the modality calls: both rows arrive by themselves, no reload.
    expect(echo('VETOS', 'DRROOM1').status).toBe(0)
    const refused = echo('NOTVETOS', 'DRROOM1')
    expect(refused.status).not.toBe(0)
    expect(refused.stdout + refused.stderr).toMatch(/Called AE Title Not Recognized/i)

    const rows = panel.getByTestId('dicom-association')
    await expect.poll(() => rows.count()).toBe(2)
    const released = panel.locator('[data-testid=dicom-association][data-outcome=released]')
    expect(await released.textContent()).toMatch(/DRROOM1.*127\.0\.0\.1.*Digital X-ray room \(DR\).*released/)
    const rejected = panel.locator('[data-testid=dicom-association][data-outcome=rejected]')
    expect(await rejected.textContent()).toMatch(/DRROOM1.*rejected.*called AE title "NOTVETOS" is not this node's \(VETOS\)/)
    await expect.poll(() => panel.locator('[data-counter=associations]').textContent()).toBe('Associations1')
    expect(await panel.locator('[data-counter=refused]').textContent()).toBe('Refused1')

    // for a person to look at: the panel as it stands
    await panel.screenshot({ path: SHOT })
    expect(env.errors).toEqual([])
  }, 60_000)

  it('asks a new modality for its AE title and address, and suggests approving it for identity and imaging', async () => {
    await env.page.getByRole('button', { name: 'Add integration' }).click()
    // not in the catalog: a blank integration
    await env.page.getByTestId('connect-blank').click()
    const dialog = env.page.getByRole('dialog')
    await dialog.getByTestId('integration-kind').click()
    await env.page.getByRole('option', { name: 'Imaging (DICOM)' }).click()
    await dialog.getByTestId('integration-name').fill('Ultrasound, exam room 2')
    await dialog.getByTestId('modality-aet').fill('US-ROOM2-TOO-LONG-NAME')
    // maxLength keeps it to 16 characters; the missing address is named before anything is saved
    expect(await dialog.getByTestId('modality-aet').inputValue()).toBe('US-ROOM2-TOO-LON')
    await dialog.getByTestId('modality-aet').fill('USROOM2')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => dialog.textContent()).toContain('Required: where the modality connects from')
    await dialog.getByTestId('modality-host').fill('192.168.1.42')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'hidden' })

    const row = env.page.getByTestId('integrations-table').locator('tr', { hasText: 'Ultrasound, exam room 2' })
    expect(await row.textContent()).toContain('192.168.1.42 · AE USROOM2')
    await row.getByRole('button', { name: 'Approve' }).click()
    const approve = env.page.getByRole('dialog')
    expect(await approve.getByRole('checkbox', { name: /Patient identity/ }).isChecked()).toBe(true)
    expect(await approve.getByRole('checkbox', { name: /Images and imaging requests/ }).isChecked()).toBe(true)
    expect(await approve.getByRole('checkbox', { name: /Lab orders/ }).isChecked()).toBe(false)
    await approve.getByRole('button', { name: 'Approve' }).click()
    await approve.waitFor({ state: 'hidden' })
    const peer = env.page.locator('[data-testid=dicom-peer][data-aet=USROOM2]')
    await expect.poll(() => peer.textContent()).toMatch(/Ultrasound, exam room 2.*USROOM2.*192\.168\.1\.42.*approved/)
    expect(env.errors).toEqual([])
  }, 60_000)
})
