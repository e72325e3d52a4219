// ESLint rule `spanfill/no-import-cycles`: an import (type-only ones included) whose target
// leads back to the importing file is an error that prints the circle. Unlike import/no-cycle
// it counts `import type`, because a type-only circle is still two modules that cannot be read
// one without the other. Specifiers are resolved with TypeScript's own module resolution
// (tsconfig.base.json's compilerOptions, so `paths` and bundler resolution hold); files are
// scanned with ts.preProcessFile, cached by modification time for the whole lint run.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;

/** Compiler options from `tsconfig` (relative to the working directory); defaults if absent. */
function loadCompilerOptions(tsconfig) {
  const file = path.resolve(tsconfig);
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) return { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
  return ts.convertCompilerOptionsFromJson(read.config.compilerOptions ?? {}, path.dirname(file)).options;
}

const resolvers = new Map();

function resolverFor(tsconfig) {
  let resolver = resolvers.get(tsconfig);
  if (resolver !== undefined) return resolver;
  const options = loadCompilerOptions(tsconfig);
  const cache = ts.createModuleResolutionCache(path.dirname(tsconfig), (name) => name, options);
  const scanned = new Map(); // file → { mtimeMs, imports: string[] (resolved paths) }
  const resolve = (specifier, fromFile) => {
    const { resolvedModule } = ts.resolveModuleName(specifier, fromFile, options, ts.sys, cache);
    if (resolvedModule === undefined || resolvedModule.isExternalLibraryImport) return null;
    const target = path.resolve(resolvedModule.resolvedFileName);
    return SOURCE_FILE.test(target) && !target.endsWith('.d.ts') ? target : null;
  };
  const importsOf = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return [];
    }
    const known = scanned.get(file);
    if (known !== undefined && known.mtimeMs === stat.mtimeMs) return known.imports;
    const text = fs.readFileSync(file, 'utf8');
    const imports = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => resolve(ref.fileName, file))
      .filter((target) => target !== null);
    scanned.set(file, { mtimeMs: stat.mtimeMs, imports });
    return imports;
  };
  resolver = { resolve, importsOf };
  resolvers.set(tsconfig, resolver);
  return resolver;
}

/** Shortest import path from `start` back to `goal` ([start, …, goal]), or null. */
function pathBack(start, goal, importsOf) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    for (const next of importsOf(file)) {
      if (previous.has(next)) continue;
      previous.set(next, file);
      if (next === goal) {
        const route = [goal];
        for (let at = file; at !== null; at = previous.get(at)) route.unshift(at);
        return route;
      }
      queue.push(next);
    }
  }
  return null;
}

export const noImportCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import circles, type-only imports included, resolved as TypeScript does' },
    schema: [
      {
        type: 'object',
        properties: { tsconfig: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      cycle:
        'Import circle: {{route}}. Move what both sides need into its own module (a types file), so the imports go one way.',
    },
  },
  create(context) {
    const file = path.resolve(context.physicalFilename);
    const cwd = context.cwd;
    if (!SOURCE_FILE.test(file)) return {};
    const { resolve, importsOf } = resolverFor(path.resolve(cwd, context.options[0]?.tsconfig ?? 'tsconfig.base.json'));
    const sourceCode = context.sourceCode;
    return {
      Program() {
        const refs = ts.preProcessFile(sourceCode.text, true, true).importedFiles;
        for (const ref of refs) {
          const target = resolve(ref.fileName, file);
          if (target === null || target === file) continue;
          const route = pathBack(target, file, importsOf);
          if (route === null) continue;
          const shown = [file, ...route].map((f) => path.relative(cwd, f)).join(' → ');
          context.report({
            loc: { start: sourceCode.getLocFromIndex(ref.pos), end: sourceCode.getLocFromIndex(ref.end) },
            messageId: 'cycle',
            data: { route: shown },
          });
        }
      },
    };
  },
};

export default { rules: { 'no-import-cycles': noImportCycles } };
