// Every link in the README and in docs/ must work from a clone of this repository alone: a relative
// link names a file or directory inside the repository, an anchor names a heading of its target,
// and nothing points outside the repository except http(s) links.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const documents = [
  'README.md',
  'protocols/README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown links and images outside code: `[text](target)`, target without an optional title. */
function linksOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  for (const [, title] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = title!
      .toLowerCase()
      .replace(/[`*_]/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function isInsideRepo(path: string): boolean {
  const fromRoot = relative(repoRoot, path);
  return fromRoot === '' || (!fromRoot.startsWith('..') && !fromRoot.startsWith('/'));
}

describe('documentation links', () => {
  it('finds the documents and their links', () => {
    expect(documents).toContain('docs/design.md');
    expect(linksOf(readFileSync(join(repoRoot, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  for (const document of documents) {
    it(`every link in ${document} resolves inside the repository`, () => {
      const text = readFileSync(join(repoRoot, document), 'utf8');
      const problems: string[] = [];
      for (const link of linksOf(text)) {
        if (/^https?:\/\//.test(link)) continue;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
          problems.push(`${link}: only http(s) and relative links`);
          continue;
        }
        const [pathPart, anchor] = link.split('#', 2) as [string, string | undefined];
        const target = pathPart === '' ? join(repoRoot, document) : resolve(dirname(join(repoRoot, document)), decodeURIComponent(pathPart));
        if (!isInsideRepo(target)) {
          problems.push(`${link}: points outside the repository`);
          continue;
        }
        if (!existsSync(target)) {
          problems.push(`${link}: ${relative(repoRoot, target)} does not exist`);
          continue;
        }
        if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md')) {
          if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) problems.push(`${link}: no heading #${anchor} in ${relative(repoRoot, target)}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('the README names no file outside the repository (../)', () => {
    const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(text.match(/\.\.\/shared|\]\(\.\.\//g) ?? []).toEqual([]);
  });
});
