import { useState } from 'react'
import { Alert, Badge, Button, Group, List, Modal, Paper, SimpleGrid, Spoiler, Stack, Text, TextInput, Title } from '@mantine/core'
import type { CatalogEntry } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { CATEGORY_LABEL, KIND_GROUP } from './labels'

const short = (label: string) => label.replace(/ \(.*\)$/, '')

/**
 * What can connect to VetOS, grouped as a clinic thinks of it, from the catalog's data. An
 * administrator starts a new integration from an entry (its profile filled in); it sends nothing
 * until approved. Everyone else can read what connects.
 */
export function CatalogModal({ onClose, onStart, onRequest }: { onClose: () => void; onStart?: (entry: CatalogEntry | null) => void; onRequest?: () => void }) {
  const catalog = useCall('integrations.catalog', {})
  const [query, setQuery] = useState('')
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  const shown = (catalog.data?.entries ?? []).filter((e) => {
    const text = [e.name, e.vendor, e.connects, ...e.exchanges].join(' ').toLowerCase()
    return words.every((w) => text.includes(w))
  })
  const groups = [...new Set(shown.map((e) => KIND_GROUP[e.kind]))]
  return (
    <Modal opened onClose={onClose} title="What connects to VetOS" size="80rem" data-testid="connect-catalog">
      <Stack>
        <Text size="sm" c="dimmed">
          Each entry says how it connects, what it exchanges, what it will ask you to approve, and what it was tested against.
          {onStart ? ' Setting one up fills in its profile; nothing is sent until an administrator approves it.' : ' An administrator sets integrations up.'}
        </Text>
        <TextInput placeholder="Find by name, vendor or protocol (e.g. HL7, ASTM, DICOM)" value={query} onChange={(e) => setQuery(e.currentTarget.value)} data-testid="connect-search" />
        {catalog.error && <Alert color="red">{catalog.error.message}</Alert>}
        {onStart && (catalog.data?.problems.length ?? 0) > 0 && (
          <Alert color="yellow" title="Some catalog files could not be read" data-testid="connect-problems">
            {catalog.data!.problems.map((p) => (
              <Text key={p.file} size="sm">
                {p.file}: {p.message}
              </Text>
            ))}
          </Alert>
        )}
        {catalog.data && shown.length === 0 && <Text c="dimmed">Nothing in the catalog matches “{query}”.</Text>}
        {groups.map((g) => (
          <Stack key={g} gap="xs">
            <Title order={4}>{g}</Title>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {shown
                .filter((e) => KIND_GROUP[e.kind] === g)
                .map((e) => (
                  <EntryCard key={e.id} entry={e} onStart={onStart && (() => onStart(e))} />
                ))}
            </SimpleGrid>
          </Stack>
        ))}
        <Paper withBorder p="md" bg="var(--mantine-color-gray-0)">
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">
              Not listed? VetOS support assesses a system and sets up its connection, usually without disturbing the clinic’s day.
              {onStart && ' You can also start from a blank integration and fill in its profile yourself.'}
            </Text>
            <Group gap="xs" wrap="nowrap">
              {onRequest && (
                <Button variant="default" onClick={onRequest} data-testid="connect-request">
                  Request it from support
                </Button>
              )}
              {onStart && (
                <Button variant="default" onClick={() => onStart(null)} data-testid="connect-blank">
                  Blank integration
                </Button>
              )}
            </Group>
          </Group>
        </Paper>
      </Stack>
    </Modal>
  )
}

function EntryCard({ entry: e, onStart }: { entry: CatalogEntry & { source: 'shipped' | 'clinic' }; onStart?: () => void }) {
  return (
    <Paper withBorder p="md" data-testid={`connect-entry-${e.id}`}>
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text fw={600}>{e.name}</Text>
            <Text size="xs" c="dimmed">
              {e.vendor}
            </Text>
          </div>
          {e.source === 'clinic' && (
            <Badge variant="light" color="grape">
              added by support
            </Badge>
          )}
        </Group>
        <Text size="sm">
          <b>Connects: </b>
          {e.connects}
        </Text>
        <div>
          <Text size="sm" fw={700}>
            Exchanges
          </Text>
          <List size="sm" spacing={2}>
            {e.exchanges.map((x) => (
              <List.Item key={x}>{x}</List.Item>
            ))}
          </List>
        </div>
        <Group gap={4} data-testid="connect-categories">
          <Text size="sm" fw={700}>
            Asks approval for:
          </Text>
          {e.categories.map((c) => (
            <Badge key={c} variant="outline" size="sm">
              {short(CATEGORY_LABEL[c])}
            </Badge>
          ))}
        </Group>
        <Text size="xs" c="dimmed" data-testid="connect-tested">
          <b>Tested: </b>
          {e.tested}
        </Text>
        {e.setup.length > 0 && (
          <Spoiler maxHeight={0} showLabel="How to set it up" hideLabel="Hide the steps">
            <List type="ordered" size="sm" spacing={2}>
              {e.setup.map((s) => (
                <List.Item key={s}>{s}</List.Item>
              ))}
            </List>
          </Spoiler>
        )}
        {onStart && (
          <Group justify="flex-end">
            <Button size="compact-sm" onClick={onStart} data-testid={`connect-start-${e.id}`}>
              Set up
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  )
}
