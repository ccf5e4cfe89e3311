import ts from 'typescript';
import type { Plugin } from 'vite';

/**
 * For the dashboard's build only: marks every top-level `const x = <call>` of `contract/*.ts`
 * pure (`/* @__PURE__ *\/ build(() => <call>)`), so the bundler drops the zod schemas the
 * dashboard never uses. The dashboard imports constants and helpers from contract/ (log
 * levels, statuses, displayName…) but validates nothing with zod; without this, importing one
 * constant built every schema of its module and of the modules those import while the entry
 * chunk evaluated (zod 4 builds schemas eagerly): about half of that first long task. A
 * schema something does use is kept, and evaluated as before. It assumes what `contract/`'s
 * top-level values do when built has no effect the dashboard relies on (a registration, a global):
 * true today; such a value, if ever added, must be used or live outside `contract/`.
 */
const BUILD = '__runboardBuildSchema';

export function pureContractSchemas(): Plugin {
  return {
    name: 'runboard:pure-contract-schemas',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/contract\/[^/]+\.ts$/.test(id) || id.endsWith('.test.ts')) return null;
      const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
      const edits: { start: number; end: number }[] = [];
      for (const statement of source.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
        for (const decl of statement.declarationList.declarations) {
          const init = decl.initializer;
          if (init && containsCall(init))
            edits.push({ start: init.getStart(source), end: init.end });
        }
      }
      if (edits.length === 0) return null;
      let out = code;
      for (const { start, end } of edits.reverse()) {
        out = `${out.slice(0, start)}/* @__PURE__ */ ${BUILD}(() => (${out.slice(start, end)}))${out.slice(end)}`;
      }
      // A call of a function with a function argument: an IIFE would be inlined by the
      // minifier, leaving the schema's chained calls behind as statements.
      return {
        code: `${out}\nfunction ${BUILD}<T>(make: () => T): T {\n  return make();\n}\n`,
        map: null,
      };
    },
  };
}

/**
 * Whether building the value calls something (a schema, or an object of schemas to spread into
 * one); a function's body is not run by defining it.
 */
function containsCall(node: ts.Node): boolean {
  if (ts.isCallExpression(node)) return true;
  if (ts.isFunctionLike(node)) return false;
  return ts.forEachChild(node, containsCall) ?? false;
}
