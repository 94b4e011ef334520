import { Component, type ReactNode } from 'react';

/**
 * A panel that fails to render shows what happened instead of taking the page down with it
 * (the rest of the studio keeps working).
 */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="alert inline" data-kind="render">
        <span>
          The {this.props.name} could not be shown ({this.state.error.message}). The rest of the studio keeps working.
        </span>
        <button onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
