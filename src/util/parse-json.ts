/** Parses an annotation's JSON; undefined when it is missing or not JSON (a hand-edited record). */
export function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
