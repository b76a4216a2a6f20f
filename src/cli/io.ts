/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Reads a file (`-` is stdin). */
  readonly readFile: (path: string) => Promise<string>;
}
