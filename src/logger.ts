/** The log every step writes to: the Actions log in a run, a recorder in tests. */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
  /** Runs `fn` inside a collapsible group of the Actions log. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}
