import type { Engine } from '../engines/engine.ts';
import type { EngineName } from '../engines/select.ts';
import { assertObject } from '../util/validate.ts';
import { Experiment } from './experiment.ts';
import type { PodKillOptions } from './options.ts';

/** Options of a pod kill that mean nothing to a fault that changes something once and holds it for `for`. */
const ROUND_OPTIONS = ['count', 'percent', 'gracePeriod', 'every'] as const;

/** How a held fault names itself in its TypeErrors, and which options are its own. @example `{ fault: 'scale', why: 'it changes replicas once and holds them for `for`', instead: ', or use `to`/`by`', own: ['to', 'by'] }` */
export interface HeldFaultNames {
  readonly fault: string;
  /** Why the round options do not apply. */
  readonly why: string;
  /** What to use instead, appended to "remove it" (may be ''). */
  readonly instead: string;
  /** The fault's own option keys, which `withOwn` applies. */
  readonly own: readonly string[];
}

/**
 * @internal The builder of a native fault that changes something once, holds it for `for` and
 * sets it back (scale, drain): it refuses the round options of a pod kill (`count`, `percent`,
 * `gracePeriod`, `every`) naming the fault and the fix, applies its own options through
 * `withOwn`, and runs through the native engine only.
 */
export abstract class HeldExperiment<O extends PodKillOptions> extends Experiment<O> {
  /** @internal How the fault names itself, and its own option keys. */
  protected abstract names(): HeldFaultNames;

  /** @internal Applies the fault's own options (those in `names().own`) found in `given`. */
  protected abstract withOwn(given: Readonly<Record<string, unknown>>): this;

  /** Sets several options at once, the fault's own too. @example `.with({ for: '30s' })` */
  override with(options: O): this {
    const { fault, why, instead, own } = this.names();
    assertObject(options, `${fault} options`);
    const given = options as Record<string, unknown>;
    for (const key of ROUND_OPTIONS) {
      if (given[key] !== undefined) throw new TypeError(`\`${key}\` is not an option of ${article(fault)} (${why}): remove it${instead}.`);
    }
    const next = this.withOwn(given);
    const rest = Object.fromEntries(Object.entries(given).filter(([k]) => !own.includes(k)));
    return super.with.call(next, rest as unknown as O) as this;
  }

  /** @internal A held fault acts on objects through the Kubernetes API: the native engine only. */
  protected override engineNamed(name: EngineName): Engine {
    if (name !== 'native') throw new TypeError(`${capitalized(article(this.names().fault))} runs through the 'native' engine only, got '${name}'. Remove \`.engine('${name}')\` (or the client's \`engine\`) for this experiment.`);
    return super.engineNamed(name);
  }
}

/** `'a scale'`, `'an isolate'`. */
function article(fault: string): string {
  return `${/^[aeiou]/.test(fault) ? 'an' : 'a'} ${fault}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
