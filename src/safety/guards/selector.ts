import { EmptySelectorError } from '../../errors/empty-selector-error.ts';

/** Refuses a selector with no requirement (it would select every pod of the namespace). */
export function checkSelector(selector: string, namespace: string): void {
  if (selector.trim() === '') throw new EmptySelectorError(namespace);
}
