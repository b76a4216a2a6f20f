// The names an entry file exports, read from its syntax (no type check: fast, and exact for
// files that only re-export). `export *` is refused: it would export whatever the other file
// grows, which is how an internal leaks into the surface unseen.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export function exportNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause) throw new Error(`${file}: \`export *\` hides what is exported; name each export`);
      if (!ts.isNamedExports(statement.exportClause)) throw new Error(`${file}: \`export * as\` hides what is exported; name each export`);
      names.push(...statement.exportClause.elements.map((e) => e.name.text));
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
      } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
        names.push((statement.name as ts.Identifier).text);
      }
    }
  }
  return names;
}
