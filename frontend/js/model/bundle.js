// A tiny bundler for this frontend's own ES modules, used to inline the scripts into an exported,
// self-contained HTML file. It understands the forms this code base uses:
//   import { a, b as c } from './x.js';   import * as ns from './x.js';   import d from './x.js';
//   export function / async function / class / const / let;   export { a, b };   export default <expr>;
// Each module becomes a function scope returning its exports. Pure: no DOM.

const IMPORT_RE = /^\s*import\s+([\s\S]*?)\s+from\s+['"]([^'"]+)['"]\s*;?/gm;
const EXPORT_DECL_RE = /^(\s*)export\s+(async\s+function\*?|function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;
const EXPORT_LIST_RE = /^\s*export\s*\{([^}]*)\}\s*;?/gm;

/** Join a relative import specifier onto the importing module's path ("js/a/b.js" + "../c.js"). */
export function resolvePath(from, spec) {
  if (!spec.startsWith('.')) throw new Error(`cannot bundle bare import "${spec}" in ${from}`);
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** The relative imports of a module's source, resolved against its path. */
export function importsOf(path, source) {
  const out = [];
  for (const m of source.matchAll(IMPORT_RE)) out.push(resolvePath(path, m[2]));
  return out;
}

/** Rewrite one module's source into a function body that returns its exports. */
export function transformModule(path, source) {
  const exports = [];
  let body = source.replace(IMPORT_RE, (_, clause, spec) => {
    const target = JSON.stringify(resolvePath(path, spec));
    const c = clause.trim();
    if (c.startsWith('* as ')) return `const ${c.slice(5).trim()} = __modules[${target}];`;
    if (/^[A-Za-z_$][\w$]*$/.test(c)) return `const ${c} = __modules[${target}].default;`;
    if (!c.startsWith('{')) throw new Error(`unsupported import form in ${path}: import ${c}`);
    const inner = c.replace(/^\{/, '').replace(/\}$/, '');
    const names = inner
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => {
        const [a, b] = x.split(/\s+as\s+/);
        return b ? `${a.trim()}: ${b.trim()}` : a.trim();
      });
    return `const { ${names.join(', ')} } = __modules[${target}];`;
  });
  body = body.replace(EXPORT_DECL_RE, (_, indent, kw, name) => {
    exports.push(name);
    return `${indent}${kw} ${name}`;
  });
  body = body.replace(EXPORT_LIST_RE, (_, list) => {
    for (const x of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [a, b] = x.split(/\s+as\s+/);
      exports.push(b ? `${b.trim()}: ${a.trim()}` : a.trim());
    }
    return '';
  });
  body = body.replace(/^(\s*)export\s+default\s+/m, (_, indent) => {
    exports.push('default: __default');
    return `${indent}const __default = `;
  });
  if (/^\s*export\s/m.test(body)) throw new Error(`unsupported export form in ${path}`);
  return `${body}\nreturn { ${exports.join(', ')} };`;
}

/**
 * Bundle modules into one script. `sources` maps module path -> source text and must hold every
 * module reachable from `entry`. Returns the script text (safe to put inside a <script> element).
 */
export function bundle(entry, sources) {
  const order = [];
  const state = new Map();
  const visit = (path) => {
    if (state.get(path) === 2) return;
    if (state.get(path) === 1) throw new Error(`import cycle at ${path}`);
    if (!sources.has(path)) throw new Error(`missing module ${path}`);
    state.set(path, 1);
    for (const dep of importsOf(path, sources.get(path))) visit(dep);
    state.set(path, 2);
    order.push(path);
  };
  visit(entry);
  const parts = ['const __modules = Object.create(null);'];
  for (const path of order) {
    parts.push(`// ---- ${path}`);
    parts.push(`__modules[${JSON.stringify(path)}] = (() => {\n${transformModule(path, sources.get(path))}\n})();`);
  }
  return scriptSafe(parts.join('\n'));
}

/** Make text safe inside a <script> element (no closing tag, no comment opener). */
export function scriptSafe(text) {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON safe inside <script type="application/json">. */
export function jsonForScript(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
