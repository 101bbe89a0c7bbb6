// Compiles lib/ (and the contract/ modules it imports) with jsii into JavaScript, declarations and the
// .jsii assembly, then fails on anything that would make the library less than jsii-clean:
// - any jsii warning: `--fail-on-warnings` turns compiler warnings into errors but lets the metadata
//   warnings computed from package.json (JSII6, e.g. a devDependency off the peer floor) through;
// - any union or intersection type in the assembly: jsii accepts `string | number` and writes it as a
//   union, which Java, C# and Go can only model as `Object`;
// - any union, literal, function or tuple type written in a public declaration: jsii silently widens
//   `'a' | 'b'` to `string`, so only the source shows it.
// Run by `npm run build` (and so by prepack and CI).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** jsii prints a banner on Node.js 20, which this package supports and tests on; it is not a warning about our code. */
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
const jsii = spawnSync(join(PACKAGE_ROOT, 'node_modules', '.bin', 'jsii'), ['--fail-on-warnings'], { cwd: PACKAGE_ROOT, env, encoding: 'utf8' });
process.stdout.write(jsii.stdout);
process.stderr.write(jsii.stderr);
if (jsii.error) throw jsii.error;
if (jsii.status !== 0) process.exit(jsii.status ?? 1);

const problems = [];
// Without colours when piped; the pattern tolerates them anyway.
const warnings = `${jsii.stdout}\n${jsii.stderr}`.split('\n').filter((line) => /warning\W+JSII\d+/.test(line));
problems.push(...warnings.map((line) => `jsii: ${line.trim()}`));

/** Every `union` or `intersection` type reference in the assembly's types, with where it is. */
function compositeTypes(node, where) {
  if (Array.isArray(node)) return node.flatMap((item, index) => compositeTypes(item, `${where}[${item?.name ?? index}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'union' || key === 'intersection' ? [`${where}: ${key} type ${JSON.stringify(value)}`] : compositeTypes(value, `${where}.${key}`),
  );
}
const assembly = JSON.parse(readFileSync(join(PACKAGE_ROOT, '.jsii'), 'utf8'));
problems.push(...Object.entries(assembly.types).flatMap(([fqn, type]) => compositeTypes(type, fqn)));

/** Type syntax with no faithful jsii equivalent, outermost first; `T | undefined` is just an optional value. */
function unsupportedTypeSyntax(typeNode) {
  const found = [];
  const visit = (node) => {
    const defined = ts.isUnionTypeNode(node) ? node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword) : [];
    if (defined.length > 1) found.push(`union \`${node.getText()}\``);
    else if (ts.isIntersectionTypeNode(node)) found.push(`intersection \`${node.getText()}\``);
    else if (ts.isLiteralTypeNode(node)) found.push(`literal type \`${node.getText()}\``);
    else if (ts.isFunctionTypeNode(node) || ts.isConstructorTypeNode(node)) found.push(`function type \`${node.getText()}\``);
    else if (ts.isTupleTypeNode(node)) found.push(`tuple \`${node.getText()}\``);
    else ts.forEachChild(node, visit);
  };
  visit(typeNode);
  return found;
}

/** Whether jsii leaves a member out of the API: private, `_`-prefixed, or marked @internal. */
function isHidden(member) {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  const name = member.name && ts.isIdentifier(member.name) ? member.name.text : '';
  return modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) || name.startsWith('_') || ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'internal');
}

/** The type annotations of a class's or interface's public members: properties, parameters, return types. */
function publicTypeNodes(declaration) {
  const nodes = [];
  const label = (member) => `${declaration.name.text}.${member.name?.getText() ?? 'constructor'}`;
  for (const member of declaration.members) {
    if (isHidden(member)) continue;
    if (member.type) nodes.push([label(member), member.type]);
    for (const parameter of member.parameters ?? []) if (parameter.type) nodes.push([`${label(member)}(${parameter.name.getText()})`, parameter.type]);
  }
  return nodes;
}

/**
 * The classes and interfaces lib/index.ts exports, read from the source alone (no type checker: that
 * would load all of aws-cdk-lib's typings again). lib/index.ts only re-exports (`export *` or
 * `export { A }` from a sibling module), and jsii rejects a public signature that uses a type it does
 * not export (JSII3000), so these declarations are the whole API.
 */
function exportedDeclarations() {
  const parse = (file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const isExported = (node) => (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const declarations = [];
  for (const statement of parse(join(PACKAGE_ROOT, 'lib', 'index.ts')).statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const names = statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : undefined;
    const module = parse(join(PACKAGE_ROOT, 'lib', `${statement.moduleSpecifier.text}.ts`));
    for (const node of module.statements) {
      if (!(ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) || !node.name || !isExported(node)) continue;
      if (names === undefined || names.includes(node.name.text)) declarations.push(node);
    }
  }
  return declarations;
}

for (const declaration of exportedDeclarations()) {
  const where = `${relative(PACKAGE_ROOT, declaration.getSourceFile().fileName)}: ${declaration.name.text}`;
  if (ts.isTypeAliasDeclaration(declaration)) problems.push(`${where}: a type alias, which jsii has no equivalent for`);
  else for (const [name, typeNode] of publicTypeNodes(declaration)) problems.push(...unsupportedTypeSyntax(typeNode).map((found) => `${relative(PACKAGE_ROOT, declaration.getSourceFile().fileName)}: ${name}: ${found}`));
}

if (problems.length > 0) {
  console.error(`\nNot jsii-clean (jsii warnings are errors; in the public API use enums or enum-like classes, interfaces and structs):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`jsii-clean: ${Object.keys(assembly.types).length} public types, no warnings, no union, literal, function or tuple types`);
