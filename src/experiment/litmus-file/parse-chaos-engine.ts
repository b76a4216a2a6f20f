// A ChaosEngine from YAML text or a plain object, with every problem placed: file:line:column
// and the field's dotted path for text, the path alone for an object.
import type { Node, Pair } from 'yaml';
import { isMap, isScalar, isSeq, yaml } from '../../util/yaml-sync.ts';
import { ChaosEngineFileError } from '../../errors/chaos-engine-file-error.ts';
import { readChaosEngine, type ChaosEngineSpec } from './read-chaos-engine.ts';
import { FieldProblem, formatPath, type Path } from './schema.ts';

/**
 * Reads a `litmuschaos.io/v1alpha1` ChaosEngine (YAML text, or the object a YAML parser gives)
 * and maps it onto kubechaos's Litmus engine. Throws a {@link ChaosEngineFileError}
 * (`CHAOS_ENGINE_INVALID`) naming the field, and for text its line, of the first problem.
 *
 * @example
 * ```ts
 * const spec = parseChaosEngine(readFileSync('engine.yaml', 'utf8'), 'engine.yaml');
 * spec.experiment; // 'pod-delete'
 * ```
 */
export function parseChaosEngine(input: string | object, source = 'ChaosEngine'): ChaosEngineSpec {
  if (typeof input !== 'string') {
    try {
      return readChaosEngine(input);
    } catch (error) {
      if (error instanceof FieldProblem) throw new ChaosEngineFileError(source, formatPath(error.path) || undefined, error.message);
      throw error;
    }
  }
  const lineCounter = new (yaml().LineCounter)();
  const docs = yaml().parseAllDocuments(input, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const all = Array.isArray(docs) ? docs : [];
  const present = all.filter((d) => d.contents !== null || d.errors.length > 0);
  const [doc, second] = present;
  if (second) {
    throw new ChaosEngineFileError(source, undefined, 'one ChaosEngine per file: kubechaos runs one experiment per run; put the other documents in files of their own (apply RBAC and ChaosExperiments with kubectl)', lineCounter.linePos(second.range[0]));
  }
  const firstError = doc?.errors[0];
  if (firstError) {
    const message = (firstError.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
    throw new ChaosEngineFileError(source, undefined, message, lineCounter.linePos(firstError.pos[0]));
  }
  if (!doc?.contents) throw new ChaosEngineFileError(source, undefined, 'the document is empty', { line: 1, col: 1 });
  try {
    return readChaosEngine(doc.toJS());
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
    const node = nodeAt(doc.contents as Node, error.path, error.atKey);
    throw new ChaosEngineFileError(source, formatPath(error.path) || undefined, error.message, lineCounter.linePos(node?.range?.[0] ?? 0));
  }
}

/** The node at `path` (its key when `atKey`), or the deepest one that exists on the way. */
function nodeAt(root: Node, path: Path, atKey: boolean): Node | undefined {
  let node: Node | undefined = root;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair: Pair<Node, Node> | undefined = (node.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && p.key.value === segment);
      if (!pair) return node;
      if (last && atKey) return pair.key ?? node;
      node = pair.value ?? pair.key ?? node;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
