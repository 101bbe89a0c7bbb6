/**
 * Reads the fenced code blocks of the repository's Markdown, for the suites that check that what the
 * documentation shows still works.
 */
import * as fs from 'fs';
import * as path from 'path';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** README.md and every Markdown file in docs/, relative to the repository. */
export const DOCUMENTATION_FILES: readonly string[] = [
  'README.md',
  ...fs
    .readdirSync(path.join(PROJECT_ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => `docs/${file}`),
];

/** One fenced code block. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The fence's info string's first word: `ts`, `sh`, `json`, or '' for none. */
  readonly language: string;
  /** The block's text, ending in a newline. */
  readonly code: string;
  /** The line just before the opening fence (where a marker comment goes). */
  readonly lineBefore: string;
  /** The Markdown before the block, from the end of the previous block. */
  readonly textBefore: string;
}

/** Every fenced block of one Markdown file, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { readonly marker: string; readonly language: string; readonly line: number; readonly textBefore: string } | undefined;
  let body: string[] = [];
  let text: string[] = [];
  lines.forEach((line, index) => {
    if (!open) {
      const fence = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (!fence) {
        text.push(line);
        return;
      }
      open = { marker: fence[1], language: fence[2], line: index + 1, textBefore: text.join('\n') };
      body = [];
      text = [];
      return;
    }
    if (line.trim() !== open.marker) {
      body.push(line);
      return;
    }
    blocks.push({
      file,
      line: open.line,
      language: open.language,
      code: body.join('\n') + '\n',
      lineBefore: lines[open.line - 2] ?? '',
      textBefore: open.textBefore,
    });
    open = undefined;
  });
  if (open) throw new Error(`${file}:${open.line}: a code block is never closed`);
  return blocks;
}
