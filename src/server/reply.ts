/** What a handler answers: JSON (`body`) or text (`text` with `contentType`), with optional extra `headers`. */
export type Reply =
  | { readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly contentType: string; readonly headers?: Readonly<Record<string, string>> };
