import type { Engine } from '../engines/engine.ts';
import type { EngineName } from '../engines/select.ts';
import { assertObject } from '../util/validate.ts';
import { Experiment } from './experiment.ts';
import type { PodKillOptions } from './options.ts';

/** The options of a pod kill that a fault held for `for` (one change, no rounds) does not take. */
export const POD_KILL_ONLY = ['count', 'percent', 'gracePeriod', 'every'] as const;

/**
 * What a held fault says about itself. @example `{ name: 'isolate', insteadOfRounds: '', ownKeys: ['direction'] }`
 */
export interface HeldFault {
  /** Its name in errors: `'scale'`, `'isolate'`. */
  readonly name: string;
  /** What to use instead of a pod kill's options, for their TypeError (empty: nothing). */
  readonly insteadOfRounds: string;
  /** The keys of `with()` the fault handles itself. */
  readonly ownKeys: readonly string[];
}

/**
 * What a fault that makes one change and holds it for `for` (a scale, an isolate) shares: no
 * rounds (the options of a pod kill are TypeErrors that say so), its own options in `with()`, and
 * the native engine only (it acts on objects through the Kubernetes API).
 *
 * @typeParam O - the plain-data options `with()` takes.
 *
 * @example
 * ```ts
 * chaos.scale(web).with({ to: 1, for: '30s' });
 * chaos.isolate(target).with({ direction: 'ingress', for: '30s' });
 * ```
 */
export abstract class HeldExperiment<O extends PodKillOptions> extends Experiment<O> {
  /** @internal The fault's name and own options (see {@link HeldFault}). */
  protected abstract get held(): HeldFault;

  /** @internal The keys of `with()` the fault handles itself (`held.ownKeys`): returns the builder with them set. */
  protected abstract withOwn(given: Readonly<Record<string, unknown>>): this;

  /** Sets several options at once, the fault's own too. @example `.with({ for: '30s', safety: 0.9 })` */
  override with(options: O): this {
    const { name, insteadOfRounds, ownKeys } = this.held;
    assertObject(options, `${name} options`);
    const given = options as Record<string, unknown>;
    for (const key of POD_KILL_ONLY) {
      if (given[key] !== undefined) throw new TypeError(`\`${key}\` is not an option of ${article(name)} (it makes one change and holds it for \`for\`): remove it${insteadOfRounds ? `, or ${insteadOfRounds}` : ''}.`);
    }
    const next = this.withOwn(given);
    const rest = Object.fromEntries(Object.entries(given).filter(([k]) => !ownKeys.includes(k)));
    return super.with.call(next, rest as unknown as O) as this;
  }

  /** @internal Native only: the fault acts on objects through the Kubernetes API. */
  protected override engineNamed(name: EngineName): Engine {
    if (name !== 'native') throw new TypeError(`${capitalized(article(this.held.name))} runs through the 'native' engine only, got '${name}'. Remove \`.engine('${name}')\` (or the client's \`engine\`) for this experiment.`);
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
