import { Component, type ReactNode } from 'react'
import { Alert, Button, Code, Stack, Text } from '@mantine/core'

interface Props {
  children: ReactNode
}
interface State {
  error: Error | null
}

/**
 * A screen that throws while rendering shows what went wrong in its place; the navigation
 * stays, so the person can go on elsewhere. Without it React unmounts the whole window.
 * The Shell keys it by route, so leaving the screen clears the error.
 */
export class ScreenErrorBoundary extends Component<Props, State> {
  state: State = { error: null }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  componentDidCatch(error: Error): void {
    console.error('screen failed to render', error)
  }

  render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <Alert color="red" title="This screen could not be shown" data-testid="screen-error">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">Nothing was changed. Other screens still work; reloading the window usually helps.</Text>
          <Code block>{error.message}</Code>
          <Button size="compact-sm" variant="light" color="red" onClick={() => this.setState({ error: null })}>
            Try again
          </Button>
        </Stack>
      </Alert>
    )
  }
}
