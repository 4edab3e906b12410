import { useState } from 'react'
import { Alert, Button, Center, Paper, PasswordInput, Progress, Select, Stack, Text, Title } from '@mantine/core'
import { useApi, useCall } from '../api/hooks'
import type { ApiClientError } from '../api/client'
import { ROLE_LABEL } from '../format'

/** Pick your name, type your PIN: how a shared clinic workstation changes hands. */
export function SignIn() {
  const api = useApi()
  // A workstation that just joined its clinic receives it before anyone can sign in: poll meanwhile.
  const info = useCall('app.info', {}, { refetchInterval: (q) => (q.state.data?.firstSync ? 1000 : false) })
  const joining = info.data?.firstSync ?? null
  const staff = useCall('auth.staffList', {}, { refetchInterval: joining ? 1000 : false })
  const [staffId, setStaffId] = useState<string | null>(null)
  const [pin, setPin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    if (!staffId) return setError('Choose who you are')
    setBusy(true)
    setError(null)
    try {
      await api.call('auth.login', { staffId, pin })
    } catch (err) {
      setError((err as ApiClientError).message)
      setPin('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Center h="100vh">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={submit}>
          <Stack>
            <div>
              <Title order={2}>VetOS</Title>
              <Text c="dimmed">{info.data?.clinicName ?? ' '}</Text>
            </div>
            {joining && (
              <div data-testid="first-sync">
                <Text size="sm">
                  Receiving your clinic from its server: {joining.tablesReady} of {joining.tables} kinds of records
                </Text>
                <Progress value={(100 * joining.tablesReady) / Math.max(1, joining.tables)} mt={4} animated />
              </div>
            )}
            {staff.error && <Alert color="red">{staff.error.message}</Alert>}
            <Select
              label="Who are you?"
              placeholder="Choose your name"
              data={(staff.data ?? []).map((s) => ({ value: s.id, label: `${s.displayName} · ${ROLE_LABEL[s.role]}` }))}
              value={staffId}
              onChange={setStaffId}
              searchable
              autoFocus
              data-testid="signin-staff"
            />
            <PasswordInput label="PIN" value={pin} onChange={(e) => setPin(e.currentTarget.value)} inputMode="numeric" autoComplete="off" data-testid="signin-pin" />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
            {info.data?.demo && (
              <Text size="xs" c="dimmed">
                Demo clinic: every PIN is 1234.
              </Text>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
