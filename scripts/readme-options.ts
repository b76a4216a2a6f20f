// Rewrites the README's options table from the option table (src/experiment/option-table.ts):
//   node scripts/readme-options.ts
// test/unit/readme.test.ts fails while the README and the table differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdown } from '../src/experiment/option-table.ts';

const START = '<!-- options-table:start (generated: node scripts/readme-options.ts) -->\n';
const END = '<!-- options-table:end -->';
const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const [before, rest] = readme.split(START);
const after = rest?.split(END)[1];
if (before === undefined || after === undefined) throw new Error('README.md has no options-table markers');
writeFileSync(file, `${before}${START}${optionsMarkdown()}\n${END}${after}`);
