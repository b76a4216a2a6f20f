/** What a handler answers: JSON (`body`) or text (`text` with `contentType`). */
export type Reply =
  | { readonly status: number; readonly body: unknown }
  | { readonly status: number; readonly text: string; readonly contentType: string };
