// The ExperimentFileError an experiment file's text gets (a test fails if it parses).
import { ExperimentFileError, parseExperimentFile } from '../../../../src/cli/experiment-file.ts';

export function fileError(text: string): ExperimentFileError {
  try {
    parseExperimentFile(text, 'exp.yaml');
  } catch (e) {
    if (e instanceof ExperimentFileError) return e;
    throw e;
  }
  throw new Error('expected an ExperimentFileError');
}
