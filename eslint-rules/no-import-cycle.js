// ESLint rule: no import cycles among the project's TypeScript modules. Type-only imports count
// (they tie two modules' designs together as much as value imports do), which is why this is not
// import-x/no-cycle (it skips them). The graph of the whole folder is read once per lint run.
import fs from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g;
const graphs = new Map();

function sourceFiles(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(files, from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')])
    if (files.has(c)) return c;
  return null;
}

/** For every module of `root`: its strongly connected component (a cycle when it has 2+ modules). */
function components(root) {
  const cached = graphs.get(root);
  if (cached && Date.now() - cached.at < 5000) return cached.scc;
  const files = new Set(sourceFiles(root));
  const edges = new Map();
  for (const f of files) {
    const targets = new Set();
    for (const m of fs.readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const t = resolveImport(files, f, m[1]);
      if (t && t !== f) targets.add(t);
    }
    edges.set(f, targets);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const scc = new Map();
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const members = new Set();
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        members.add(w);
      } while (w !== v);
      for (const m of members) scc.set(m, members);
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  graphs.set(root, { at: Date.now(), scc });
  return scc;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow import cycles (type-only imports included) among the modules of a folder' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: { cycle: 'Import cycle: {{from}} -> {{to}} -> … -> {{from}}. Make the imports go one way.' },
  },
  create(context) {
    const root = path.resolve(context.cwd, context.options[0]?.root ?? 'src');
    const file = context.filename;
    if (!file.startsWith(root + path.sep) || /\.(test|spec)\.tsx?$/.test(file)) return {};
    const members = components(root).get(file);
    if (!members || members.size < 2) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolveImport(members, file, spec);
      if (target)
        context.report({
          node,
          messageId: 'cycle',
          data: { from: path.relative(root, file), to: path.relative(root, target) },
        });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
