/**
 * What the Lost/Found screen and the patient's missing banner share: a report's card (with its
 * photo, fetched once per report: every photo read is an audited exchange with PetMayday, so live
 * refreshes must not fetch it again), the "seen here" action, and errors in plain words.
 */
import { useEffect, useState, type ReactNode } from 'react'
import { Alert, Badge, Button, Card, Group, Image, Stack, Text } from '@mantine/core'
import { IconMapPin, IconPhoto, IconSend } from '@tabler/icons-react'
import type { MissingMatch, PetMaydayReport, PetMaydaySighting } from '../../../../src-preload/contract'
import { useApi } from '../../api/hooks'
import type { ApiClient, ApiClientError } from '../../api/client'
import { dateTime, SPECIES_LABEL } from '../../format'
import { askText } from '../../prompt'

/** An error as the person at the desk should read it: a refusal says who can approve. */
export function plainError(e: unknown): string {
  const err = e as ApiClientError
  if (err?.code === 'consent-refused') return /Integrations/.test(err.message) ? `${err.message} Nothing was sent.` : `${err.message}. Nothing was sent. An administrator can approve it under Integrations.`
  if (err?.code === 'offline') return `${err.message}. Try again when the connection is back.`
  if (err?.code === 'forbidden' && /role/.test(err.message)) return err.message
  return err?.message ?? String(e)
}

const photos = new Map<string, Promise<string>>()
function photoOf(api: ApiClient, reportId: string): Promise<string> {
  let p = photos.get(reportId)
  if (!p) {
    p = api.call('petmayday.photo', { reportId }).then((r) => r.dataUrl)
    // A failed fetch may be tried again (offline now, online later).
    p.catch(() => photos.delete(reportId))
    photos.set(reportId, p)
  }
  return p
}

export function ReportPhoto({ report, h = 140 }: { report: Pick<PetMaydayReport, 'id' | 'hasPhoto' | 'name'>; h?: number }) {
  const api = useApi()
  const [src, setSrc] = useState<string | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    if (!report.hasPhoto) return
    let live = true
    photoOf(api, report.id).then(
      (s) => live && setSrc(s),
      () => live && setFailed(true)
    )
    return () => {
      live = false
    }
  }, [api, report.id, report.hasPhoto])
  if (src) return <Image src={src} h={h} w={h} fit="cover" radius="sm" alt={`Photo of ${report.name ?? 'the missing pet'}`} data-testid="report-photo" />
  return (
    <Stack h={h} w={h} align="center" justify="center" bg="gray.1" style={{ borderRadius: 4, flexShrink: 0 }}>
      <IconPhoto size={28} color="var(--mantine-color-gray-5)" />
      <Text size="xs" c="dimmed">
        {report.hasPhoto ? (failed ? 'photo unavailable' : 'loading…') : 'no photo'}
      </Text>
    </Stack>
  )
}

export const describePet = (r: Pick<PetMaydayReport, 'species' | 'breed' | 'colour' | 'sex'>): string =>
  [SPECIES_LABEL[r.species] ?? r.species, r.breed, r.colour, r.sex !== 'unknown' ? r.sex : null].filter(Boolean).join(' · ')

/** One report as a card: photo, who, where and when last seen, who filed it; actions below. */
export function ReportCard({ report, children, badge }: { report: PetMaydayReport; children?: ReactNode; badge?: ReactNode }) {
  return (
    <Card withBorder padding="sm" data-testid={`report-${report.id}`} data-report-id={report.id}>
      <Group align="flex-start" wrap="nowrap" gap="md">
        <ReportPhoto report={report} />
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs">
            <Text fw={700} size="lg" data-testid="report-name">
              {report.name ?? 'Unnamed'}
            </Text>
            {badge}
            {report.status !== 'active' && <Badge color="gray">{report.status}</Badge>}
          </Group>
          <Text size="sm" data-testid="report-description">
            {describePet(report)}
          </Text>
          <Group gap={4} wrap="nowrap">
            <IconMapPin size={14} />
            <Text size="sm">
              Last seen <b>{report.lastSeenArea}</b>, {dateTime(report.lastSeenAt)}
            </Text>
          </Group>
          {report.microchipRaw && (
            <Text size="xs" c="dimmed">
              Microchip {report.microchipRaw}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Reported by {report.filedBy.name} ({report.filedBy.kind})
          </Text>
          {children}
        </Stack>
      </Group>
    </Card>
  )
}

/**
 * "Seen here" / "Found here": asks the person to confirm, with an optional note for the owner; sends the
 * clinic's contact to PetMayday, and says what happened: the owner is relayed the contact.
 */
export function SeenHereButton({ reportId, petName, found, patientId, label, onColour }: { reportId: string; petName: string | null; found: boolean; patientId?: string; label?: string; /** on a filled (red) banner: a white button */ onColour?: boolean }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<PetMaydaySighting | null>(null)
  const [error, setError] = useState<string | null>(null)
  const send = async () => {
    const pet = petName ?? 'this pet'
    const note = await askText({
      title: found ? `Tell the owner ${pet} is here?` : `Tell the owner ${pet} was seen here?`,
      description: 'PetMayday relays the clinic’s phone, e-mail and address (from Settings) to the owner. It is recorded in the Audit Log.',
      label: 'Note for the owner (optional)',
      placeholder: found ? 'e.g. brought in by a neighbour, safe and well' : 'e.g. seen in the car park this morning',
      required: false,
      maxLength: 2000,
      confirmLabel: 'Send to PetMayday'
    })
    if (note === null) return
    setBusy(true)
    setError(null)
    try {
      setAnswer(await api.call('petmayday.seenHere', { reportId, found, ...(note ? { note } : {}), ...(patientId ? { patientId } : {}) }))
    } catch (e) {
      setError(plainError(e))
    } finally {
      setBusy(false)
    }
  }
  if (answer)
    return (
      <Alert color="teal" variant="light" data-testid="seen-here-sent" p="xs">
        {answer.message}
      </Alert>
    )
  return (
    <Stack gap={4} align="flex-start">
      <Button size="xs" color={onColour ? 'red' : found ? 'teal' : 'blue'} variant={onColour ? 'white' : 'filled'} leftSection={<IconSend size={14} />} loading={busy} onClick={() => void send()} data-testid="seen-here">
        {label ?? (found ? 'Found here' : 'Seen here')}
      </Button>
      {error && (
        <Alert color="red" variant="light" p="xs" data-testid="seen-here-error">
          {error}
        </Alert>
      )}
    </Stack>
  )
}

/** The photo of a report if it has one; nothing otherwise (the kept list does not know, so it asks once). */
function MatchPhoto({ reportId, name }: { reportId: string; name: string | null }) {
  const api = useApi()
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    photoOf(api, reportId).then(
      (s) => live && setSrc(s),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [api, reportId])
  return src ? <Image src={src} h={96} w={96} fit="cover" radius="sm" alt={`Photo of ${name ?? 'the missing pet'}`} data-testid="missing-banner-photo" /> : null
}

/**
 * The body of the patient's missing banner. An exact (microchip) match: the report, its photo and
 * "Seen here". A possible match is worded as something to check, never as an accusation.
 */
export function MissingMatchDetails({ match: m, patientId, more }: { match: MissingMatch; patientId: string; more: number }) {
  const when = dateTime(m.lastSeenAt)
  if (m.kind !== 'exact')
    return (
      <Text size="sm" data-testid="missing-banner-text">
        Same name and species, last seen in {m.lastSeenArea} ({when}) — check the microchip. A missing {SPECIES_LABEL[m.species]?.toLowerCase() ?? m.species}
        {m.name ? ` named ${m.name}` : ''}
        {m.breed ? `, ${m.breed}` : ''}
        {m.colour ? `, ${m.colour}` : ''}; reported by {m.filedBy.name} ({m.filedBy.kind}). This may be another animal: confirm before saying anything to the client.
      </Text>
    )
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <MatchPhoto reportId={m.reportId} name={m.name} />
      <Stack gap={6} style={{ flex: 1 }}>
        <Text size="sm" data-testid="missing-banner-text">
          Microchip {m.microchipRaw ?? m.microchip} is on an active PetMayday missing-pet report: {m.name ?? 'unnamed'}, {describePet(m)}. Last seen {m.lastSeenArea} on {when}; reported by {m.filedBy.name} ({m.filedBy.kind}).
          {more > 0 ? ` (${more} more report${more === 1 ? '' : 's'} match.)` : ''}
        </Text>
        <SeenHereButton reportId={m.reportId} petName={m.name} found patientId={patientId} label="Seen here" onColour />
      </Stack>
    </Group>
  )
}
