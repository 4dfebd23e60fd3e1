const acorn = require('internal/deps/acorn/acorn/dist/acorn');
const { execFileSync } = require('child_process');
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const isFn = n => n && ['FunctionExpression', 'ArrowFunctionExpression', 'ClassExpression'].includes(n.type);
const name = n => !n ? '' : n.type === 'Identifier' ? n.name : n.type === 'PrivateIdentifier' ? '#' + n.name : n.type === 'Literal' ? String(n.value) : n.type === 'MemberExpression' ? name(n.object) + '.' + name(n.property) : '';
function defs(body, parents) {
  // returns [{symbol, kind, start, end, parents, children}]
  const out = [];
  for (let st of body) {
    const stmt = st;
    if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration') { if (!st.declaration) continue; st = st.declaration; }
    const loc = { start: stmt.loc.start.line, end: stmt.loc.end.line };
    if (st.type === 'FunctionDeclaration') out.push({ ...loc, symbol: st.id ? st.id.name : 'default', kind: 'function', parents });
    else if (st.type === 'ClassDeclaration' || st.type === 'ClassExpression') out.push({ ...loc, symbol: st.id ? st.id.name : 'default', kind: 'class', parents, children: cls(st, [...parents, st.id ? st.id.name : 'default']) });
    else if (st.type === 'VariableDeclaration') {
      const d = st.declarations[0];
      if (d && d.id.type === 'Identifier' && isFn(d.init)) out.push({ ...loc, symbol: d.id.name, kind: d.init.type === 'ClassExpression' ? 'class' : 'function', parents, children: d.init.type === 'ClassExpression' ? cls(d.init, [...parents, d.id.name]) : [] });
    } else if (st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression') {
      let a = st.expression, right = a.right;
      while (right.type === 'AssignmentExpression') right = right.right;
      if (a.left.type !== 'MemberExpression') continue;
      const obj = name(a.left.object), prop = name(a.left.property);
      if (obj === 'module' && prop === 'exports') {
        if (isFn(right)) out.push({ ...loc, symbol: right.id ? right.id.name : 'exports', kind: 'function', parents });
        else if (right.type === 'ObjectExpression') out.push({ ...loc, symbol: 'exports', kind: 'object', parents, children: obj_(right, [...parents, 'exports']) });
      } else if (isFn(right)) {
        let p = parents;
        if (obj.endsWith('.prototype')) p = [...parents, obj.slice(0, -10)];
        else if (obj !== 'exports' && obj !== 'module.exports') p = [...parents, obj];
        out.push({ ...loc, symbol: prop, kind: 'function', parents: p });
      }
    } else if (st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression') {
      let c = st.expression, f = c.callee;
      while (f.type === 'MemberExpression' || f.type === 'CallExpression') f = f.type === 'MemberExpression' ? f.object : f.callee;
      if (f.type !== 'Identifier' || !c.arguments.length) continue;
      const a0 = c.arguments[0];
      let title = a0.type === 'Literal' && typeof a0.value === 'string' ? a0.value : a0.type === 'TemplateLiteral' ? fs.readFileSync ? null : null : null;
      if (a0.type === 'TemplateLiteral') title = src.slice(a0.start + 1, a0.end - 1);
      if (title === null) continue;
      if (['it', 'test', 'specify'].includes(f.name)) out.push({ ...loc, symbol: title, kind: 'test', parents });
      else if (['describe', 'context', 'suite'].includes(f.name)) {
        const cb = c.arguments[c.arguments.length - 1];
        const kids = cb && isFn(cb) && cb.body.type === 'BlockStatement' ? defs(cb.body.body, [...parents, title]).filter(d => d.kind === 'test' || d.kind === 'suite') : [];
        out.push({ ...loc, symbol: title, kind: 'suite', parents, children: kids });
      }
    }
  }
  return out;
}
function cls(c, parents) {
  return c.body.body.filter(m => m.type === 'MethodDefinition' || (m.type === 'PropertyDefinition' && isFn(m.value))).map(m => ({ start: m.loc.start.line, end: m.loc.end.line, symbol: name(m.key), kind: 'method', parents }));
}
function obj_(o, parents) {
  return o.properties.filter(p => p.type === 'Property' && (p.method || isFn(p.value))).map(p => ({ start: p.loc.start.line, end: p.loc.end.line, symbol: name(p.key), kind: 'method', parents }));
}
function innermost(list, ln) {
  for (const d of list) if (d.start <= ln && ln <= d.end) return innermost(d.children || [], ln) || d;
  return null;
}
let src;
const cache = {};
for (const r of rows) {
  const key = r.repo + r.path;
  if (!cache[key]) {
    src = execFileSync('git', ['-C', `/work/.mirror/${r.repo.replace('/', '+')}/repo`, 'show', `${r.commit}:${r.path}`], { maxBuffer: 1 << 28 }).toString();
    let ast;
    for (const st of ['module', 'script']) {
      try { ast = acorn.parse(src, { ecmaVersion: 'latest', sourceType: st, locations: true, allowHashBang: true, allowReturnOutsideFunction: true }); break; } catch (e) { }
    }
    cache[key] = ast ? defs(ast.body, []) : null;
  }
  if (!cache[key]) { console.error('noparse', r.path); continue; }
  const d = innermost(cache[key], r.at || r.line);
  if (!d) continue;
  console.log(JSON.stringify({ ...r, symbol: d.symbol, kind: d.kind, start: d.start, end: d.end, parents: d.parents }));
}
