import { Alert, Anchor, Button, Group, List, Stack, Text } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { Link } from 'react-router-dom'
import type { FormProblems } from './forms'

/**
 * Above a form's buttons: what no field shows (in red), and, when the core asks for a yes, the
 * likely duplicates to open instead and the one button that confirms (in orange). The unusual
 * values themselves are said beside their fields.
 */
export function FormAlerts({ problems, yesLabel, onYes, busy }: { problems: FormProblems; yesLabel: string; onYes: () => void; busy?: boolean }) {
  const { general, needsConfirmation, duplicates } = problems
  return (
    <>
      {general.length > 0 && !needsConfirmation && (
        <Alert color="red" data-testid="form-problems">
          {general.length === 1 ? general[0] : <List size="sm">{general.map((g) => <List.Item key={g}>{g}</List.Item>)}</List>}
        </Alert>
      )}
      {needsConfirmation && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={duplicates.length ? 'This may already be on record' : 'Please check before saving'} data-testid={duplicates.length ? 'duplicate-warning' : 'confirm-warning'}>
          <Stack gap="xs">
            {duplicates.map((d) => (
              <Group key={d.id} gap="xs" wrap="nowrap">
                <Text size="sm">
                  <b>{d.label}</b> is {d.reason}.
                </Text>
                <Anchor component={Link} to={d.kind === 'client' ? `/clients/${d.id}` : `/patients/${d.id}`} size="sm" fw={600}>
                  Open {d.label}
                </Anchor>
              </Group>
            ))}
            {general.map((g) => (
              <Text size="sm" key={g}>
                {g}
              </Text>
            ))}
            <Group>
              <Button color="orange" variant="outline" onClick={onYes} loading={busy} data-testid="confirm-yes">
                {yesLabel}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </>
  )
}
