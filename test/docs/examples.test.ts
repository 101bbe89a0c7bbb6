/**
 * Every TypeScript example (```ts or ```typescript) in README.md and docs/*.md is a complete CDK app,
 * as a user would paste it into `bin/` of a fresh project: it imports from 'cdk-apprunner-scheduler'
 * and 'aws-cdk-lib', makes an App and a Stack, and adds a scheduler. This suite type-checks all of
 * them as one TypeScript program, with 'cdk-apprunner-scheduler' mapped to lib/index.ts, then runs
 * each one and synthesizes the apps it made, as `cdk synth` would.
 *
 * An example that shows a validation error is marked, on the line before its fence, with
 * `<!-- example: throws FIELD -->`: it must still type-check, and running it must throw an error
 * that names FIELD.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as cdk from 'aws-cdk-lib';
import * as library from '../../lib';
import { DOCUMENTATION_FILES, PROJECT_ROOT as ROOT, codeBlocks } from './markdown';

const PACKAGE_NAME = 'cdk-apprunner-scheduler';
const THROWS_MARKER = /^<!--\s*example:\s*throws\s+(\S+)\s*-->$/;

/** One TypeScript block of a Markdown file. */
interface Example {
  /** `README.md:17`: the file and the line of the opening fence. */
  readonly title: string;
  /** The Markdown file, relative to the repository. */
  readonly markdownFile: string;
  /** The file name the block has in the type-checked program. */
  readonly fileName: string;
  /** The line of the Markdown file where the code starts (1-based). */
  readonly firstLine: number;
  readonly code: string;
  /** The field its error must name, for an example marked to throw. */
  readonly throws?: string;
}

/** The TypeScript blocks of one Markdown file, in order. */
function extractExamples(markdownFile: string): Example[] {
  return codeBlocks(markdownFile)
    .filter((block) => block.language === 'ts' || block.language === 'typescript')
    .map((block) => ({
      title: `${markdownFile}:${block.line}`,
      markdownFile,
      fileName: path.join(ROOT, '.doc-examples', `${markdownFile.replace(/[/.]/g, '_')}_${block.line}.ts`),
      firstLine: block.line + 1,
      code: block.code,
      throws: THROWS_MARKER.exec(block.lineBefore)?.[1],
    }));
}

/** The project's compiler options, with the package name pointing at the library's sources. */
function compilerOptions(): ts.CompilerOptions {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  return {
    ...options,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: { [PACKAGE_NAME]: ['lib/index.ts'] },
  };
}

/** Type-checks every example in one program; returns each example's errors, rendered with Markdown line numbers. */
function typeCheck(examples: readonly Example[]): Map<Example, string[]> {
  const options = compilerOptions();
  const byFileName = new Map(examples.map((example) => [example.fileName, example]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const example = byFileName.get(path.normalize(fileName));
    return example ? ts.createSourceFile(fileName, example.code, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
  };
  host.fileExists = (fileName) => byFileName.has(path.normalize(fileName)) || fileExists(fileName);
  host.readFile = (fileName) => byFileName.get(path.normalize(fileName))?.code ?? readFile(fileName);

  const program = ts.createProgram([...byFileName.keys()], options, host);
  const errors = new Map<Example, string[]>();
  for (const example of examples) {
    const sourceFile = program.getSourceFile(example.fileName)!;
    errors.set(
      example,
      ts.getPreEmitDiagnostics(program, sourceFile).map((diagnostic) => {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
        const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
        const where = diagnostic.file.fileName === example.fileName ? `${example.markdownFile}:${example.firstLine + line}` : `${diagnostic.file.fileName}:${line + 1}`;
        return `${where}: TS${diagnostic.code}: ${message}`;
      }),
    );
  }
  return errors;
}

/** Runs an example as CommonJS and returns the apps it made. */
function runExample(example: Example): cdk.App[] {
  const apps: cdk.App[] = [];
  class RecordedApp extends cdk.App {
    constructor(props?: cdk.AppProps) {
      super(props);
      apps.push(this);
    }
  }
  const cdkForExample = new Proxy(cdk, { get: (target, key, receiver) => (key === 'App' ? RecordedApp : Reflect.get(target, key, receiver)) });
  const requireForExample = (id: string): unknown => {
    if (id === PACKAGE_NAME) return library;
    if (id === 'aws-cdk-lib') return cdkForExample;
    // Jest's own require, so that the example and the library share one aws-cdk-lib.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  };
  const { outputText } = ts.transpileModule(example.code, {
    fileName: example.fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const exampleModule = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(requireForExample, exampleModule, exampleModule.exports);
  return apps;
}

const examples = new Map(DOCUMENTATION_FILES.map((file) => [file, extractExamples(file)]));
const allExamples = [...examples.values()].flat();
let typeErrors: Map<Example, string[]>;

beforeAll(() => {
  typeErrors = typeCheck(allExamples);
}, 120_000);

describe('the documentation', () => {
  it('shows the construct in the README within its first screen, and more examples after it', () => {
    const readme = examples.get('README.md')!;
    expect(readme.length).toBeGreaterThanOrEqual(5);
    expect(readme[0].firstLine).toBeLessThanOrEqual(40);
    expect(readme[0].code).toContain('new AppRunnerScheduler(');
  });

  it.each(DOCUMENTATION_FILES)('marks examples in %s only with <!-- example: throws FIELD --> on the line before a TypeScript block', (file) => {
    const markers = fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => /<!--\s*example:/.test(line));
    const marked = examples.get(file)!.filter((example) => example.throws !== undefined);
    expect(markers.length).toBe(marked.length);
  });

  describe.each(allExamples.map((example) => [example.title, example] as const))('example %s', (_title, example) => {
    it('type-checks as a TypeScript program of its own', () => {
      expect(typeErrors.get(example)).toEqual([]);
    });

    if (example.throws) {
      it(`stops the synth with an error that names ${example.throws}`, () => {
        expect(() => runExample(example)).toThrow(example.throws);
      });
    } else {
      it('synthesizes apps whose every stack holds the scheduler function and its schedules', () => {
        const apps = runExample(example);

        expect(apps.length).toBeGreaterThan(0);
        for (const app of apps) {
          const assembly = app.synth();
          expect(assembly.stacks.length).toBeGreaterThan(0);
          for (const stack of assembly.stacks) {
            const types = Object.values(stack.template.Resources as Record<string, { Type: string }>).map((resource) => resource.Type);
            expect(types).toContain('AWS::Lambda::Function');
            expect(types).toContain('AWS::Scheduler::Schedule');
            expect(stack.messages.filter((message) => message.level === 'error')).toEqual([]);
          }
        }
      });
    }
  });
});
